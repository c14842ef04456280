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
  push(lastMatch(body, /\\boxed\{\s*(?:\\text\{)?\(?([A-Za-z0-9])\)?\}?\s*\}/g, accept));
  if (markers.length > 0) return markers.reduce((a, b) => (b.index >= a.index ? b : a)).value;
  const only = /^\s*[(\[]?([A-Za-z0-9])[)\]]?\s*[.:)]?\s*$/.exec(body);
  if (only && accept(only[1]!)) return accept(only[1]!);
  const leading = /^\s*[(\[]?([A-Z0-9])[)\].:](?:\s|$)/.exec(body);
  if (leading && acceptUpper(leading[1]!)) return leading[1]!;
  const bare = lastMatch(body, /(?:^|[\s(\[*])([A-Z0-9])(?=$|[\s).,:;\]*])/g, acceptUpper);
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
 * GSM8K strict rule: the number after the LAST "#### " or "The answer is" marker (lm-evaluation-harness's
 * strict-match regexes for gsm8k and gsm8k-cot), or null when the model did not use the format.
 */
export function extractNumberStrict(text: string): string | null {
  const body = stripReasoning(text);
  const hash = lastMatch(body, /####\s*\$?\s*(-?[0-9][0-9.,]*)/g, (v) => v);
  const said = lastMatch(body, /answer is\s*:?\s*\$?\s*(-?[0-9][0-9.,]*)/gi, (v) => v);
  const best = [hash, said].filter((f): f is Found => f !== null).sort((a, b) => b.index - a.index)[0];
  return best ? normalizeNumber(best.value) : null;
}

/** GSM8K flexible rule: the last number anywhere in the reply (lm-evaluation-harness's flexible-extract). */
export function extractNumberFlexible(text: string): string | null {
  const body = stripReasoning(text);
  const found = lastMatch(body, /(-?[$0-9.,]{2,}|-?[0-9]+)/g, (v) => (/[0-9]/.test(v) ? v : null));
  return found ? normalizeNumber(found.value) : null;
}

/**
 * The content of the LAST `\boxed{...}` or `\fbox{...}` with nested braces balanced, or of `\boxed 5`;
 * null when there is none. Used for MATH gold solutions and model replies alike.
 */
export function lastBoxed(text: string): string | null {
  const body = stripReasoning(text);
  const at = Math.max(body.lastIndexOf('\\boxed'), body.lastIndexOf('\\fbox'));
  if (at < 0) return null;
  const rest = body.slice(at).replace(/^\\(boxed|fbox)/, '');
  if (rest.startsWith(' ')) {
    const m = /^ ([^$\s]+)/.exec(rest);
    return m ? m[1]! : null;
  }
  if (!rest.startsWith('{')) return null;
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '{') depth++;
    else if (rest[i] === '}') {
      depth--;
      if (depth === 0) return rest.slice(1, i);
    }
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

/**
 * A short free-form answer (TriviaQA): the text after the last "answer is"/"Answer:" marker if any,
 * otherwise the first non-empty line, cut at the first full stop that ends a sentence.
 */
export function extractShortAnswer(text: string): string {
  const body = stripReasoning(text);
  const marked = lastMatch(body, /(?:answer is|answer:)\s*([^\n]*)/gi, (v) => v);
  const line = marked ? marked.value : (body.split('\n').find((l) => l.trim() !== '') ?? '');
  return line.replace(/\*\*/g, '').split(/\.(?:\s|$)/)[0]!.trim();
}
