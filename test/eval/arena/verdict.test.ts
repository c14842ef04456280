// Judge reply parsing: verdict markers, ratings, reasoning stripped, unparsable left as null; both-order combination.
import { describe, expect, it } from 'vitest';
import { combineBothOrders, parsePairVerdict, parseRating } from '../../../src/eval/arena/verdict.js';

describe('parsePairVerdict', () => {
  it('reads the three markers', () => {
    expect(parsePairVerdict('A is more helpful.\n[[A]]')).toBe('A');
    expect(parsePairVerdict('Final verdict: [[B]]')).toBe('B');
    expect(parsePairVerdict('Both equal. [[C]]')).toBe('tie');
  });
  it('takes the last marker, so a quoted format is not read as the verdict', () => {
    expect(parsePairVerdict('You asked for [[A]], [[B]] or [[C]]. After comparing, B is better: [[B]]')).toBe('B');
  });
  it('tolerates spaces and lower case inside the brackets', () => {
    expect(parsePairVerdict('verdict: [[ a ]]')).toBe('A');
  });
  it('ignores markers inside <think> reasoning', () => {
    expect(parsePairVerdict('<think>maybe [[A]]</think>no marker after thinking')).toBeNull();
    expect(parsePairVerdict('<think>maybe [[A]]</think>[[B]]')).toBe('B');
  });
  it('returns null for replies without a marker, never a guess', () => {
    expect(parsePairVerdict('Assistant A is clearly better.')).toBeNull();
    expect(parsePairVerdict('[A]')).toBeNull();
    expect(parsePairVerdict('[[D]]')).toBeNull();
    expect(parsePairVerdict('')).toBeNull();
  });
});

describe('parseRating', () => {
  it('reads Rating: [[N]] with integers and decimals', () => {
    expect(parseRating('Good answer. Rating: [[8]]')).toBe(8);
    expect(parseRating('Rating: [[7.5]]')).toBe(7.5);
  });
  it('prefers the labelled rating over other bracketed numbers, and the last one', () => {
    expect(parseRating('Scale [[1]] to [[10]]. Rating: [[3]]')).toBe(3);
    expect(parseRating('Rating: [[2]] on reflection Rating: [[6]]')).toBe(6);
    expect(parseRating('I give it [[9]]')).toBe(9);
  });
  it('treats out-of-range and missing ratings as unparsable', () => {
    expect(parseRating('Rating: [[0]]')).toBeNull();
    expect(parseRating('Rating: [[85]]')).toBeNull();
    expect(parseRating('Rating: 8')).toBeNull();
    expect(parseRating('no idea')).toBeNull();
  });
});

describe('combineBothOrders', () => {
  it('agreement decides the battle', () => {
    expect(combineBothOrders('A', 'B')).toEqual({ winner: 'model_a', consistent: true });
    expect(combineBothOrders('B', 'A')).toEqual({ winner: 'model_b', consistent: true });
    expect(combineBothOrders('tie', 'tie')).toEqual({ winner: 'tie', consistent: true });
  });
  it('position bias (always the first shown) becomes a tie', () => {
    expect(combineBothOrders('A', 'A')).toEqual({ winner: 'tie', consistent: false });
    expect(combineBothOrders('B', 'B')).toEqual({ winner: 'tie', consistent: false });
    expect(combineBothOrders('A', 'tie')).toEqual({ winner: 'tie', consistent: false });
  });
  it('an unparsable order leaves the battle undecided', () => {
    expect(combineBothOrders(null, 'B').winner).toBeNull();
    expect(combineBothOrders('A', null).winner).toBeNull();
  });
});
