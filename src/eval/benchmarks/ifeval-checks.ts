// IFEval's verifiable instructions: one rule per instruction id, as google-research's instructions.py checks them.
import { UsageError } from '../../errors.js';
import { countSentences, countWords, isUpper, wordTokens } from './ifeval-text.js';

export type Kwargs = Record<string, unknown>;
/** A built check: true when the response follows the instruction. */
export type Check = (response: string) => boolean;
type Builder = (kwargs: Kwargs, prompt: string, where: string) => Check;

const num = (k: Kwargs, key: string, where: string): number => {
  const v = k[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`${where}: kwargs.${key} must be a number (got ${JSON.stringify(v)})`);
  return v;
};
const str = (k: Kwargs, key: string, where: string): string => {
  const v = k[key];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`${where}: kwargs.${key} must be a non-empty string (got ${JSON.stringify(v)})`);
  return v;
};
const list = (k: Kwargs, key: string, where: string): string[] => {
  const v = k[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new UsageError(`${where}: kwargs.${key} must be a list of strings`);
  return v as string[];
};
/** _COMPARISON_RELATION = ("less than", "at least"): strictly below, or at or above, the threshold. */
const compare = (k: Kwargs, key: string, where: string): ((count: number, threshold: number) => boolean) => {
  const r = k[key];
  if (r === 'less than') return (c, t) => c < t;
  if (r === 'at least') return (c, t) => c >= t;
  throw new UsageError(`${where}: kwargs.${key} must be "less than" or "at least" (got ${JSON.stringify(r)})`);
};
/** The reference passes keywords to Python's re as patterns; the same text is a JS pattern, else matched literally. */
const pattern = (source: string, flags: string): RegExp => {
  try {
    return new RegExp(source, flags);
  } catch {
    return new RegExp(source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags);
  }
};
const count = (re: RegExp, text: string): number => [...text.matchAll(re)].length;
/** Python str.strip(chars) for a set of characters. */
const stripChars = (s: string, chars: string): string => {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s[a]!)) a++;
  while (b > a && chars.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
};

const CONSTRAINED_RESPONSES = ['My answer is yes.', 'My answer is no.', 'My answer is maybe.'];

/** Every instruction id llmperf checks, by the reference's registry name. */
export const CHECKS: Readonly<Record<string, Builder>> = {
  'keywords:existence': (k, _p, w) => {
    const res = [...list(k, 'keywords', w)].sort().map((kw) => pattern(kw, 'i'));
    return (v) => res.every((re) => re.test(v));
  },
  'keywords:frequency': (k, _p, w) => {
    const re = pattern(str(k, 'keyword', w).trim(), 'gi');
    const [n, cmp] = [num(k, 'frequency', w), compare(k, 'relation', w)];
    return (v) => cmp(count(re, v), n);
  },
  'keywords:forbidden_words': (k, _p, w) => {
    const res = [...new Set(list(k, 'forbidden_words', w))].map((word) => pattern(`\\b${word}\\b`, 'i'));
    return (v) => !res.some((re) => re.test(v));
  },
  'keywords:letter_frequency': (k, _p, w) => {
    const letter = str(k, 'letter', w).trim().toLowerCase();
    const [n, cmp] = [num(k, 'let_frequency', w), compare(k, 'let_relation', w)];
    return (v) => cmp([...v.toLowerCase()].filter((c) => c === letter).length, n);
  },
  'length_constraints:number_sentences': (k, _p, w) => {
    const [n, cmp] = [num(k, 'num_sentences', w), compare(k, 'relation', w)];
    return (v) => cmp(countSentences(v), n);
  },
  'length_constraints:number_paragraphs': (k, _p, w) => {
    const n = num(k, 'num_paragraphs', w);
    return (v) => {
      // Paragraphs are separated by "***"; an empty one is allowed only at either end.
      const parts = v.split(/\s?\*\*\*\s?/);
      let paragraphs = parts.length;
      for (let i = 0; i < parts.length; i++) {
        if (parts[i]!.trim() !== '') continue;
        if (i === 0 || i === parts.length - 1) paragraphs--;
        else return false;
      }
      return paragraphs === n;
    };
  },
  'length_constraints:number_words': (k, _p, w) => {
    const [n, cmp] = [num(k, 'num_words', w), compare(k, 'relation', w)];
    return (v) => cmp(countWords(v), n);
  },
  'length_constraints:nth_paragraph_first_word': (k, _p, w) => {
    const [n, nth, first] = [num(k, 'num_paragraphs', w), num(k, 'nth_paragraph', w), str(k, 'first_word', w).toLowerCase()];
    return (v) => {
      // Here paragraphs are separated by a blank line (\n\n), not "***": the reference's own inconsistency, kept.
      const paragraphs = v.split('\n\n');
      const nonEmpty = paragraphs.filter((p) => p.trim() !== '').length;
      if (nth > nonEmpty) return false;
      const paragraph = (paragraphs[nth - 1] ?? '').trim();
      if (paragraph === '') return false;
      const word = paragraph.split(/\s+/)[0]!.replace(/^'+/, '').replace(/^"+/, '');
      let firstWord = '';
      for (const c of word) {
        if ('.,?!\'"'.includes(c)) break;
        firstWord += c.toLowerCase();
      }
      return nonEmpty === n && firstWord === first;
    };
  },
  'detectable_content:number_placeholders': (k, _p, w) => {
    const n = num(k, 'num_placeholders', w);
    return (v) => count(/\[.*?\]/g, v) >= n;
  },
  'detectable_content:postscript': (k, _p, w) => {
    const marker = str(k, 'postscript_marker', w).trim();
    const re = marker === 'P.P.S' ? /\s*p\.\s?p\.\s?s.*$/m : marker === 'P.S.' ? /\s*p\.\s?s\..*$/m : pattern(`\\s*${marker.toLowerCase()}.*$`, 'm');
    return (v) => re.test(v.toLowerCase());
  },
  'detectable_format:number_bullet_lists': (k, _p, w) => {
    const n = num(k, 'num_bullets', w);
    return (v) => count(/^\s*\*[^*].*$/gm, v) + count(/^\s*-.*$/gm, v) === n;
  },
  'detectable_format:constrained_response': () => (v) => CONSTRAINED_RESPONSES.some((r) => v.trim().includes(r)),
  'detectable_format:number_highlighted_sections': (k, _p, w) => {
    const n = num(k, 'num_highlights', w);
    return (v) => {
      const single = [...v.matchAll(/\*[^\n*]*\*/g)].filter((m) => stripChars(m[0], '*').trim() !== '').length;
      const double = [...v.matchAll(/\*\*[^\n*]*\*\*/g)].filter((m) => m[0].slice(2, -2).trim() !== '').length;
      return single + double >= n;
    };
  },
  'detectable_format:multiple_sections': (k, _p, w) => {
    const re = pattern(`\\s?${str(k, 'section_spliter', w).trim()}\\s?\\d+\\s?`, '');
    const n = num(k, 'num_sections', w);
    return (v) => v.split(re).length - 1 >= n;
  },
  'detectable_format:json_format': () => (v) => {
    let body = v.trim();
    for (const prefix of ['```json', '```Json', '```JSON', '```']) if (body.startsWith(prefix)) body = body.slice(prefix.length);
    if (body.endsWith('```')) body = body.slice(0, -3);
    try {
      JSON.parse(body.trim());
      return true;
    } catch {
      return false;
    }
  },
  'detectable_format:title': () => (v) => [...v.matchAll(/<<[^\n]+>>/g)].some((m) => m[0].replace(/^<+/, '').replace(/>+$/, '').trim() !== ''),
  'combination:two_responses': () => (v) => {
    const parts = v.split('******');
    const valid: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (parts[i]!.trim() !== '') valid.push(parts[i]!);
      else if (i !== 0 && i !== parts.length - 1) return false;
    }
    return valid.length === 2 && valid[0]!.trim() !== valid[1]!.trim();
  },
  'combination:repeat_prompt': (k, _p, w) => {
    const repeat = str(k, 'prompt_to_repeat', w).trim().toLowerCase();
    return (v) => v.trim().toLowerCase().startsWith(repeat);
  },
  'startend:end_checker': (k, _p, w) => {
    const end = str(k, 'end_phrase', w).trim().toLowerCase();
    return (v) => stripChars(v.trim(), '"').toLowerCase().endsWith(end);
  },
  'startend:quotation': () => (v) => {
    const t = v.trim();
    return t.length > 1 && t.startsWith('"') && t.endsWith('"');
  },
  'change_case:capital_word_frequency': (k, _p, w) => {
    const [n, cmp] = [num(k, 'capital_frequency', w), compare(k, 'capital_relation', w)];
    return (v) => cmp(wordTokens(v).filter(isUpper).length, n);
  },
  'punctuation:no_comma': () => (v) => !v.includes(','),
};

/**
 * Ids the reference checks with the langdetect model (response language, all-capital or all-lowercase
 * English). llmperf has no port of that model, so these are refused when loading, never guessed.
 */
export const NEEDS_LANGUAGE_MODEL = ['language:response_language', 'change_case:english_capital', 'change_case:english_lowercase'];

/** Builds one check, or a UsageError naming the unsupported id. */
export function buildCheck(id: string, kwargs: Kwargs, prompt: string, where: string): Check {
  const builder = CHECKS[id];
  if (!builder) throw new UsageError(`${where}: instruction id "${id}" is not supported`);
  // The reference drops falsy kwargs (None, 0, "") before building: the same here.
  const clean = Object.fromEntries(Object.entries(kwargs ?? {}).filter(([, v]) => v !== null && v !== undefined && v !== 0 && v !== ''));
  return builder(clean, prompt, where);
}

/** utils.py test_instruction_following_loose: the response, without its first/last/both lines, each with and without "*". */
export function looseVariants(response: string): string[] {
  const lines = response.split('\n');
  const first = lines.slice(1).join('\n').trim();
  const last = lines.slice(0, -1).join('\n').trim();
  const both = lines.slice(1, -1).join('\n').trim();
  const noStars = (s: string): string => s.split('*').join('');
  return [response, noStars(response), first, last, both, noStars(first), noStars(last), noStars(both)];
}

/** Strict and loose outcome of every check: an empty (whitespace-only) variant never follows anything. */
export function followList(checks: readonly Check[], response: string): { strict: boolean[]; loose: boolean[] } {
  const ok = (check: Check, text: string): boolean => text.trim() !== '' && check(text);
  const variants = looseVariants(response);
  return { strict: checks.map((c) => ok(c, response)), loose: checks.map((c) => variants.some((v) => ok(c, v))) };
}
