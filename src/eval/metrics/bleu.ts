// Corpus BLEU as sacrebleu computes it by default: 13a tokenizer, exponential smoothing, brevity penalty, 4-grams.

/** sacrebleu's `tokenize_13a` (mteval-v13a.pl): the tokenizer behind every published sacrebleu score. */
export function tokenize13a(line: string): string {
  let text = line.replace(/<skipped>/g, '').replace(/-\n/g, '').replace(/\n/g, ' ');
  if (text.includes('&')) {
    text = text.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  }
  text = ` ${text} `;
  text = text.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ');
  text = text.replace(/([^0-9])([.,])/g, '$1 $2 ');
  text = text.replace(/([.,])([^0-9])/g, ' $1 $2');
  text = text.replace(/([0-9])(-)/g, '$1 $2 ');
  return text.split(/\s+/).filter(Boolean).join(' ');
}

export interface BleuResult {
  /** 0-100, as sacrebleu prints it. */
  score: number;
  /** n-gram precisions in percent, 1..4. */
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
}

function countNgrams(tokens: readonly string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = `${n}\u0001${tokens.slice(i, i + n).join(' ')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Corpus BLEU. `references[r][i]` is reference stream r for hypothesis i (sacrebleu's layout).
 * With several references: n-gram counts are clipped by the maximum count in any reference, and the
 * reference length is the one closest to the hypothesis length (the shorter one on a tie).
 */
export function corpusBleu(hypotheses: readonly string[], references: readonly (readonly string[])[], options: { effectiveOrder?: boolean } = {}): BleuResult {
  const maxOrder = 4;
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  let sysLen = 0;
  let refLen = 0;
  hypotheses.forEach((hypothesis, i) => {
    const hyp = tokenize13a(hypothesis).split(' ').filter(Boolean);
    const refs = references.map((stream) => tokenize13a(stream[i] ?? '').split(' ').filter(Boolean));
    let closest = Number.POSITIVE_INFINITY;
    let closestDiff = Number.POSITIVE_INFINITY;
    const maxRefCounts = new Map<string, number>();
    for (const ref of refs) {
      const diff = Math.abs(hyp.length - ref.length);
      if (diff < closestDiff || (diff === closestDiff && ref.length < closest)) {
        closestDiff = diff;
        closest = ref.length;
      }
      for (const [key, c] of countNgrams(ref, maxOrder)) maxRefCounts.set(key, Math.max(c, maxRefCounts.get(key) ?? 0));
    }
    sysLen += hyp.length;
    refLen += Number.isFinite(closest) ? closest : 0;
    for (const [key, c] of countNgrams(hyp, maxOrder)) {
      const n = Number(key.slice(0, key.indexOf('\u0001')));
      total[n - 1]! += c;
      correct[n - 1]! += Math.min(c, maxRefCounts.get(key) ?? 0);
    }
  });
  const precisions = new Array<number>(maxOrder).fill(0);
  const bp = sysLen === 0 ? 0 : sysLen < refLen ? Math.exp(1 - refLen / sysLen) : 1;
  if (correct.every((c) => c === 0)) return { score: 0, precisions, bp, sysLen, refLen };
  let smooth = 1;
  // sacrebleu's effective order: only the n-gram orders the hypothesis has at all are averaged.
  let order = maxOrder;
  for (let n = 0; n < maxOrder; n++) {
    if (total[n] === 0) break;
    if (options.effectiveOrder) order = n + 1;
    if (correct[n] === 0) {
      smooth *= 2; // 'exp' smoothing: each further empty order halves the pseudo-precision
      precisions[n] = 100 / (smooth * total[n]!);
    } else {
      precisions[n] = (100 * correct[n]!) / total[n]!;
    }
  }
  // sacrebleu's my_log(0) is a huge negative number, which drives the score to 0.
  const logSum = precisions.slice(0, order).reduce((acc, p) => acc + (p === 0 ? -9999999999 : Math.log(p)), 0);
  return { score: bp * Math.exp(logSum / order), precisions, bp, sysLen, refLen };
}

/**
 * sacrebleu's `sentence_bleu`: one segment, 'exp' smoothing and effective order (a one-word answer equal
 * to its reference scores 100, not 0 for lacking 4-grams). The per-item value; the headline stays corpus BLEU.
 */
export function sentenceBleu(hypothesis: string, references: readonly string[]): number {
  return corpusBleu([hypothesis], references.map((r) => [r]), { effectiveOrder: true }).score;
}
