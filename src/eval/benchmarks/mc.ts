// Shared pieces of the multiple-choice benchmarks: lettered blocks, generate prompts, letter scoring, acc/acc_norm.
import { extractChoice } from '../extract.js';
import type { ChoiceRequest, EvalItem, SampleScore, SimAnswer } from '../types.js';

/** The fields every multiple-choice adapter stores in `item.data`. */
export interface McData {
  question: string;
  choices: string[];
  labels: string[];
  gold: number;
}

export const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'];

export function mc(item: EvalItem): McData {
  return item.data as unknown as McData;
}

/** "question\nA. first\nB. second..." (MMLU's published prompt layout). */
export function lettered(data: McData, separator = '. '): string {
  return [data.question, ...data.choices.map((c, i) => `${data.labels[i]}${separator}${c}`)].join('\n');
}

/** The instruction appended in generate mode, so the answer comes in one parseable form. */
export function letterInstruction(labels: readonly string[]): string {
  return `Answer with the letter of the correct option (${labels.join(', ')}). End your reply with "The answer is (X)" where X is that letter.`;
}

/** Scores a generated reply: the extracted letter (restricted to the item's labels) against the gold label. */
export function scoreLetter(data: McData, texts: readonly string[]): SampleScore {
  const extracted = extractChoice(texts[0] ?? '', data.labels);
  const gold = data.labels[data.gold]!;
  return { value: extracted === gold.toUpperCase() ? 1 : 0, extracted, gold };
}

/** The simulator's reply in generate mode: the gold letter, or the next letter round when wrong. */
export function letterSim(data: McData, match: string): SimAnswer[] {
  const wrong = data.labels[(data.gold + 1) % data.labels.length]!;
  return [{ match, correct: `The answer is (${data.labels[data.gold]}).`, incorrect: `The answer is (${wrong}).` }];
}

/** The simulator's answer in loglikelihood mode: the gold continuation is the likely tail. */
export function continuationSim(request: ChoiceRequest): SimAnswer[] {
  const wrong = request.continuations[(request.gold + 1) % request.continuations.length]!;
  return [{ match: request.match, correct: request.continuations[request.gold]!, incorrect: wrong }];
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** The choice text lm-eval normalises by: the continuation without the one leading space it sends (target_delimiter). */
export function choiceText(continuation: string): string {
  return continuation.startsWith(' ') ? continuation.slice(1) : continuation;
}

/**
 * lm-evaluation-harness's multiple-choice scoring (ConfigurableTask.process_results): acc = the highest
 * summed log-probability is the gold; acc_norm = the same after dividing by each choice's length in
 * characters (Python `len`: code points, without the leading space); acc_bytes = divided by its UTF-8 bytes.
 */
export function scoreByLoglikelihood(request: ChoiceRequest, logprobs: readonly number[]): SampleScore {
  const choices = request.continuations.map(choiceText);
  const best = argmax(logprobs);
  const bestNorm = argmax(logprobs.map((lp, i) => lp / Math.max(1, [...choices[i]!].length)));
  const bestBytes = argmax(logprobs.map((lp, i) => lp / Math.max(1, Buffer.byteLength(choices[i]!, 'utf8'))));
  const acc = best === request.gold ? 1 : 0;
  return {
    value: acc,
    values: { acc, acc_norm: bestNorm === request.gold ? 1 : 0, acc_bytes: bestBytes === request.gold ? 1 : 0 },
    extracted: request.continuations[best]!.trim(),
    gold: request.continuations[request.gold]!.trim(),
  };
}
