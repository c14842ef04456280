// Answer extraction traps: reasoning stripped, the last marker wins, letters restricted to the choices, numbers and LaTeX.
import { describe, expect, it } from 'vitest';
import {
  extractAfterAnswerIs,
  extractChoice,
  extractNumberFlexible,
  extractNumberMarked,
  extractShortAnswer,
  lastBoxed,
  numbersEqual,
  stripReasoning,
} from '../../src/eval/extract.js';
import { latexEquivalent, normalizeLatex } from '../../src/eval/latex.js';

const ABCD = ['A', 'B', 'C', 'D'];

describe('stripReasoning', () => {
  it('removes think blocks, text before a lone closing tag, and an unclosed block', () => {
    expect(stripReasoning('<think>The answer is (A)</think>The answer is (C).')).toBe('The answer is (C).');
    expect(stripReasoning('thinking... answer is (A)</think>\nB')).toBe('B');
    expect(stripReasoning('Final: B <think>maybe A')).toBe('Final: B');
  });
});

describe('extractChoice', () => {
  it('never reads a letter from inside reasoning', () => {
    expect(extractChoice('<think>The answer is (A).</think>The answer is (D).', ABCD)).toBe('D');
    expect(extractChoice('<think>The answer is (A).</think>', ABCD)).toBeNull();
  });
  it('takes the last answer marker, not the first (recited few-shot examples)', () => {
    const reply = 'Example 1: ... Answer: B\nExample 2: ... The answer is (A).\nNow the real question. The answer is (C).';
    expect(extractChoice(reply, ABCD)).toBe('C');
  });
  it('does not read an L out of "Let\'s", nor letters that are not choices', () => {
    expect(extractChoice("Let's think step by step.", ABCD)).toBeNull();
    expect(extractChoice("Let's think. I pick option E.", ABCD)).toBeNull();
    expect(extractChoice("Let's think. I pick C.", ABCD)).toBe('C');
  });
  it('reads bare and parenthesised letters, and a lower-case letter only in brackets', () => {
    expect(extractChoice('B', ABCD)).toBe('B');
    expect(extractChoice('(c)', ABCD)).toBe('C');
    expect(extractChoice('the answer is a lot more complicated', ABCD)).toBeNull();
    expect(extractChoice('答案：B', ABCD)).toBe('B');
    expect(extractChoice('So $\\boxed{D}$', ABCD)).toBe('D');
    expect(extractChoice('**Answer: A**', ABCD)).toBe('A');
  });
});

describe('numbers', () => {
  it('the lenient marker rule reads the last #### or "The answer is" marker', () => {
    expect(extractNumberMarked('#### 5\nthen more work\n#### 1,234')).toBe('1234');
    expect(extractNumberMarked('So the answer is $42.')).toBe('42');
    expect(extractNumberMarked('it is 42')).toBeNull();
    expect(extractNumberMarked('<think>#### 7</think>no marker here')).toBeNull();
  });
  it('flexible reads the last number', () => {
    expect(extractNumberFlexible('First 3 apples, then 2, total 5.')).toBe('5');
    expect(extractNumberFlexible('It costs $1,050.50 in all')).toBe('1050.50');
    expect(extractNumberFlexible('no digits')).toBeNull();
  });
  it('compares numerically without eval', () => {
    expect(numbersEqual('3.0', '3')).toBe(true);
    expect(numbersEqual('$1,000', '1000')).toBe(true);
    expect(numbersEqual('1000', '1001')).toBe(false);
    expect(numbersEqual('process.exit(1)', '1')).toBe(false);
  });
});

describe('MATH boxed answers', () => {
  it('takes the last \\boxed with nested braces', () => {
    expect(lastBoxed('first \\boxed{1} then \\boxed{\\frac{5}{6}}.')).toBe('\\frac{5}{6}');
    // Hendrycks' remove_boxed accepts only \boxed{...}: "\boxed 7" is no answer (deliberate change, issue 16).
    expect(lastBoxed('\\boxed 7')).toBeNull();
    expect(lastBoxed('none')).toBeNull();
  });
  it('normalises LaTeX like Hendrycks is_equiv', () => {
    expect(latexEquivalent('\\dfrac{1}{2}', '0.5')).toBe(true);
    expect(latexEquivalent('\\frac12', '\\frac{1}{2}')).toBe(true);
    expect(latexEquivalent('x = 4', '4')).toBe(true);
    expect(latexEquivalent('\\left( 1, 2 \\right)', '(1,2)')).toBe(true);
    expect(latexEquivalent('90^\\circ', '90')).toBe(true);
    expect(latexEquivalent('\\sqrt2', '\\sqrt{2}')).toBe(true);
    expect(latexEquivalent('3/4', '\\frac{3}{4}')).toBe(true);
    expect(latexEquivalent('5', '6')).toBe(false);
    expect(normalizeLatex('10\\%')).toBe('10');
  });
});

describe('free-form answers', () => {
  it('BBH reads after the last "the answer is"', () => {
    expect(extractAfterAnswerIs('Example: So the answer is (A).\nSo the answer is (C).')).toBe('(C)');
    expect(extractAfterAnswerIs('So the answer is **True**.')).toBe('True');
    expect(extractAfterAnswerIs('no marker')).toBeNull();
  });
  it('short answers take the marker or the first line', () => {
    expect(extractShortAnswer('Mars. It is red because of iron oxide.')).toBe('Mars');
    expect(extractShortAnswer('<think>hmm</think>The answer is William Shakespeare.')).toBe('William Shakespeare');
  });
});

describe('extraction properties', () => {
  it('never returns a letter outside the valid choices, whatever the reply', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom(['A', 'B'], ['A', 'B', 'C', 'D'], ['1', '2', '3']), (reply, labels) => {
        const got = extractChoice(reply, labels);
        return got === null || labels.includes(got);
      }),
      { numRuns: 500, seed: 42 },
    );
  });
  it('finds the answer marker after any recited prefix', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.constantFrom('A', 'B', 'C', 'D'), (prefix, letter) => {
        return extractChoice(`${prefix}\nThe answer is (${letter}).`, ABCD) === letter;
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
