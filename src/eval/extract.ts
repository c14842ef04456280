// Answer extraction from model text, with the traps other frameworks fell into avoided (see docs/eval.md).

/**
 * Removes reasoning before any answer is read: `<think>...</think>` blocks, text before a lone `</think>`
 * (templates that open the tag in the prompt), and an unclosed `<think>` (the model never reached an answer).
 */
export function stripReasoning(text: string): string {
  let out = text.replace(/<think>[\s\S]*?<\/think>/g, '');
  const close = out.lastIndexOf('</think>');
  if (close >= 0) out = out.slice(close + '</think>'.length);
  const open = out.indexOf('<think>');
  if (open >= 0) out = out.slice(0, open);
  return out.trim();
}

interface Found {
  index: number;
  value: string;
}

function lastMatch(text: string, pattern: RegExp, accept: (value: string) => string | null): Found | null {
  let best: Found | null = null;
  for (const m of text.matchAll(pattern)) {
    const value = accept(m[1] ?? '');
    if (value !== null && (best === null || (m.index ?? 0) >= best.index)) best = { index: m.index ?? 0, value };
  }
  return best;
}

/**
 * The chosen letter among `labels` (e.g. A-D), or null. Rules, in order:
 * 1. the LAST answer marker ("answer is (B)", "Answer: B", "答案：B", "\boxed{B}"), because a reasoning
 *    model recites the few-shot examples' markers before its own;
 * 2. a reply that is only a letter ("B", "(B).");
 * 3. the last standalone valid letter ("(C)" or " C." but never the L of "Let's", or a letter outside `labels`).
 */
export function extractChoice(text: string, labels: readonly string[]): string | null {
  const body = stripReasoning(text);
  const valid = new Set(labels.map((l) => l.toUpperCase()));
  const accept = (v: string): string | null => (valid.has(v.toUpperCase()) ? v.toUpperCase() : null);
  const acceptUpper = (v: string): string | null => (valid.has(v) ? v : null);
  const markers: Found[] = [];
  const push = (f: Found | null): void => {
    if (f) markers.push(f);
  };
  // A parenthesised or boxed letter may be lower case; a bare one must be upper case ("the answer is a lot").
  // Labels may also be digits (some ARC items use 1-4).
  push(lastMatch(body, /answer\s*(?:is|:)\s*(?:option\s*)?[:\s]*[(\[]([A-Za-z0-9])[)\]]/gi, accept));
  push(lastMatch(body, /answer\s*(?:is|:)\s*(?:option\s*)?[:\s*]*([A-Z0-9])(?![A-Za-z0-9'’])/gi, acceptUpper));
  push(lastMatch(body, /答案(?:是|为|應為|应为)?\s*[:：]?\s*[(（]?([A-Za-z0-9])(?![A-Za-z0-9])/g, accept));
  // "我认为选D。", "应选择 B", "选项C正确": C-Eval models answer with 选 (choose) as often as with 答案.
  push(lastMatch(body, /选(?:择|項|项)?\s*[:：]?\s*[(（]?([A-Za-z])(?![A-Za-z0-9])/g, acceptUpper));
  push(lastMatch(body, /\\boxed\{\s*(?:\\text\{)?\(?([A-Za-z0-9])\)?\}?\s*\}/g, accept));
  if (markers.length > 0) return markers.reduce((a, b) => (b.index >= a.index ? b : a)).value;
  const only = /^\s*[(\[]?([A-Za-z0-9])[)\]]?\s*[.:)]?\s*$/.exec(body);
  if (only && accept(only[1]!)) return accept(only[1]!);
  const leading = /^\s*[(\[]?([A-Z0-9])[)\].:](?:\s|$)/.exec(body);
  if (leading && acceptUpper(leading[1]!)) return leading[1]!;
  // CJK text has no spaces around a letter: "正确的是D。" reads as D.
  const bare = lastMatch(body, /(?:^|[\s(\[*（：，。\u4e00-\u9fff])([A-Z0-9])(?=$|[\s).,:;\]*）。，、；！\u4e00-\u9fff])/g, acceptUpper);
  return bare ? bare.value : null;
}

/** Strips $ signs, thousands commas, trailing full stops and a leading +, so "$1,234." reads as "1234". */
export function normalizeNumber(raw: string): string {
  let s = raw.trim().replace(/[$\s]/g, '').replace(/,/g, '');
  s = s.replace(/\.+$/, '').replace(/^\+/, '');
  return s;
}

/**
 * Numeric equality after normalisation, by parsing with Number() (never eval()); "3.0" equals "3",
 * a relative tolerance of 1e-6 absorbs float noise in decimal answers. Non-numbers compare as strings.
 */
export function numbersEqual(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  const x = normalizeNumber(a);
  const y = normalizeNumber(b);
  const nx = Number(x);
  const ny = Number(y);
  if (x === '' || y === '' || !Number.isFinite(nx) || !Number.isFinite(ny)) return x === y;
  return Math.abs(nx - ny) <= 1e-6 * Math.max(1, Math.abs(ny));
}

/**
 * lm-evaluation-harness's gsm8k "strict-match": the FIRST `#### (-?[0-9.,]+)` in the reply (regex filter,
 * then take_first), or null when the model did not use the format.
 */
export function extractGsm8kStrict(text: string): string | null {
  const m = /#### (-?[0-9.,]+)/.exec(stripReasoning(text));
  return m ? m[1]! : null;
}

/**
 * lm-evaluation-harness's gsm8k "flexible-extract": the LAST match of `(-?[$0-9.,]{2,})|(-?[0-9]+)`,
 * first non-empty group.
 */
export function extractGsm8kFlexible(text: string): string | null {
  const matches = [...stripReasoning(text).matchAll(/(-?[$0-9.,]{2,})|(-?[0-9]+)/g)];
  const last = matches.at(-1);
  return last ? (last[1] || last[2] || null) : null;
}

/**
 * lm-eval's gsm8k `exact_match` settings: regexes_to_ignore [",", "\\$", "(?s).*#### ", "\\.$"] applied in
 * that order to both sides, ignore_case, then a STRING comparison ("72.0" is not "72"). The gold is the
 * dataset's whole answer text (the ignore list keeps only what follows its last "#### ").
 */
export function gsm8kCanonical(text: string): string {
  return text.replace(/,/g, '').replace(/\$/g, '').replace(/^[\s\S]*#### /, '').replace(/\.$/, '').toLowerCase();
}

export function gsm8kExactMatch(prediction: string | null, goldAnswerText: string): number {
  return prediction !== null && gsm8kCanonical(prediction) === gsm8kCanonical(goldAnswerText) ? 1 : 0;
}

/**
 * llmperf's lenient GSM8K rule (reported as exact_match_numeric, never the headline): the number after
 * the LAST "####" or "The answer is" marker, compared as a number, so "72.0" or "#### $72" count.
 */
export function extractNumberMarked(text: string): string | null {
  const body = stripReasoning(text);
  const hash = lastMatch(body, /####\s*\$?\s*(-?[0-9][0-9.,]*)/g, (v) => v);
  const said = lastMatch(body, /answer is\s*:?\s*\$?\s*(-?[0-9][0-9.,]*)/gi, (v) => v);
  const best = [hash, said].filter((f): f is Found => f !== null).sort((a, b) => b.index - a.index)[0];
  return best ? normalizeNumber(best.value) : null;
}

/** The last number anywhere in the reply (the lenient fallback). */
export function extractNumberFlexible(text: string): string | null {
  const body = stripReasoning(text);
  const found = lastMatch(body, /(-?[$0-9.,]{2,}|-?[0-9]+)/g, (v) => (/[0-9]/.test(v) ? v : null));
  return found ? normalizeNumber(found.value) : null;
}

/**
 * Hendrycks' MATH `last_boxed_only_string` + `remove_boxed`: the LAST `\\boxed` (`\\fbox` only when there is
 * no `\\boxed` at all), its braces balanced from there; the answer only when that span is `\\boxed{...}`.
 * So `\\fbox{5}` and `\\boxed 5` give null, as they do in the reference.
 */
export function lastBoxed(text: string): string | null {
  const body = stripReasoning(text);
  let at = body.lastIndexOf('\\boxed');
  if (at < 0) at = body.lastIndexOf('\\fbox');
  if (at < 0) return null;
  let depth = 0;
  for (let i = at; i < body.length; i++) {
    if (body[i] === '{') depth++;
    else if (body[i] === '}') {
      depth--;
      if (depth === 0) {
        const span = body.slice(at, i + 1);
        return span.startsWith('\\boxed{') ? span.slice('\\boxed{'.length, -1) : null;
      }
    }
  }
  return null;
}

/**
 * A lenient boxed reader for GOLD solutions only: also `\\fbox{...}` and `\\boxed 5`, so a dataset line in
 * those forms loads instead of stopping the benchmark (model replies are read with `lastBoxed`).
 */
export function lastBoxedLenient(text: string): string | null {
  const strict = lastBoxed(text);
  if (strict !== null) return strict;
  const at = Math.max(text.lastIndexOf('\\boxed'), text.lastIndexOf('\\fbox'));
  if (at < 0) return null;
  const rest = text.slice(at).replace(/^\\(boxed|fbox)/, '');
  if (rest.startsWith(' ')) return /^ ([^$\s]+)/.exec(rest)?.[1] ?? null;
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '{') depth++;
    else if (rest[i] === '}' && --depth === 0) return rest.slice(1, i);
  }
  return null;
}

/**
 * The text after the LAST "the answer is" (BBH's chain-of-thought format), up to the end of that line,
 * without a closing full stop or markdown bold; null when the marker is missing.
 */
export function extractAfterAnswerIs(text: string): string | null {
  const body = stripReasoning(text);
  const found = lastMatch(body, /answer is\s*:?\s*([^\n]*)/gi, (v) => v);
  if (!found) return null;
  return found.value.replace(/\*\*/g, '').trim().replace(/\.$/, '').trim();
}

/** Words a full stop follows without ending the sentence ("St. Louis", "Dr. No", "Washington, D.C."). */
const ABBREVIATIONS = new Set(
  ['st', 'mt', 'ft', 'mr', 'mrs', 'ms', 'dr', 'jr', 'sr', 'prof', 'gen', 'col', 'capt', 'lt', 'sgt', 'rev', 'hon', 'gov', 'sen', 'rep', 'pres', 'co', 'corp', 'inc', 'ltd', 'bros', 'no', 'vs', 'etc', 'ave', 'blvd', 'rd', 'approx', 'dept', 'univ', 'vol', 'ch', 'fig', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec'],
);

function isAbbreviation(word: string): boolean {
  const w = word.replace(/^[("'“‘]+/, '');
  return /^\p{L}$/u.test(w) || w.includes('.') || ABBREVIATIONS.has(w.toLowerCase());
}

/**
 * The first sentence of `line`: cut at the first full stop followed by a space and a capital letter (or
 * by nothing), unless the word before it is an abbreviation or an initial: "St. Louis is..." stays
 * "St. Louis is...", "J. R. R. Tolkien. He wrote" gives "J. R. R. Tolkien".
 */
export function firstSentence(line: string): string {
  for (const m of line.matchAll(/\.(?=\s|$)/g)) {
    const at = m.index ?? 0;
    const before = line.slice(0, at);
    const after = line.slice(at + 1).trimStart();
    if (after === '') return before;
    if (isAbbreviation(/(\S*)$/.exec(before)?.[1] ?? '')) continue;
    if (!/^[\p{Lu}\d"'“‘(]/u.test(after)) continue;
    return before;
  }
  return line;
}

/**
 * A short free-form answer (TriviaQA): the text after the last "answer is"/"Answer:" marker if any,
 * otherwise the first non-empty line, cut at its first sentence end (abbreviation-safe: `firstSentence`).
 */
export function extractShortAnswer(text: string): string {
  const body = stripReasoning(text);
  const marked = lastMatch(body, /(?:answer is|answer:)\s*([^\n]*)/gi, (v) => v);
  const line = marked ? marked.value : (body.split('\n').find((l) => l.trim() !== '') ?? '');
  return firstSentence(line.replace(/\*\*/g, '')).trim();
}
