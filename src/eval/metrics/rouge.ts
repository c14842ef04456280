// ROUGE-1, ROUGE-2 and ROUGE-L F-measures, matching Google's rouge_score package with its defaults (no stemming).

export interface RougeScores {
  rouge1: number;
  rouge2: number;
  rougeL: number;
}

/** How text is split into ROUGE tokens. */
export type RougeTokenizer = 'rouge_score' | 'cjk';

/**
 * rouge_score's default tokenizer (tokenize.py): lower case, every run of characters other than a-z0-9
 * becomes a space, tokens that are not [a-z0-9]+ are dropped. Every non-ASCII letter is dropped with
 * it: Chinese text has no tokens at all, and scores 0 even against itself, as it does in rouge_score.
 */
export function rougeTokenize(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(' ').filter(Boolean);
}

const CJK = '\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff';

/**
 * llmperf's CJK-aware variant (`--rouge-tokenizer cjk`, metrics named rouge*_cjk): as rouge_score, but
 * each CJK ideograph or kana is a token of its own. Not comparable with rouge_score on
 * such text; identical on ASCII text.
 */
export function rougeTokenizeCjk(text: string): string[] {
  const spaced = text.toLowerCase().replace(new RegExp(`([${CJK}])`, 'g'), ' $1 ');
  return spaced.replace(new RegExp(`[^a-z0-9${CJK}]+`, 'g'), ' ').split(' ').filter(Boolean);
}

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0000');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** ROUGE-N F-measure: clipped n-gram overlap over prediction and reference n-gram counts. */
export function rougeN(prediction: readonly string[], reference: readonly string[], n: number): number {
  const pred = ngrams(prediction, n);
  const ref = ngrams(reference, n);
  let overlap = 0;
  let predTotal = 0;
  let refTotal = 0;
  for (const c of pred.values()) predTotal += c;
  for (const c of ref.values()) refTotal += c;
  for (const [key, c] of pred) overlap += Math.min(c, ref.get(key) ?? 0);
  if (predTotal === 0 || refTotal === 0) return 0;
  return fmeasure(overlap / predTotal, overlap / refTotal);
}

/** Length of the longest common subsequence (dynamic programming over two rows). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** ROUGE-L F-measure (sentence level, no summary-level union LCS). */
export function rougeL(prediction: readonly string[], reference: readonly string[]): number {
  if (prediction.length === 0 || reference.length === 0) return 0;
  const lcs = lcsLength(prediction, reference);
  return fmeasure(lcs / prediction.length, lcs / reference.length);
}

/** All three F-measures for one prediction against one reference. */
export function rouge(prediction: string, reference: string, tokenizer: RougeTokenizer = 'rouge_score'): RougeScores {
  const tokenize = tokenizer === 'cjk' ? rougeTokenizeCjk : rougeTokenize;
  const p = tokenize(prediction);
  const r = tokenize(reference);
  return { rouge1: rougeN(p, r, 1), rouge2: rougeN(p, r, 2), rougeL: rougeL(p, r) };
}
