// The simulator's speculative decoding: seeded draft acceptance per decode step, its truth, and vLLM's and SGLang's metrics for it.
//
// Model (also in docs/simulator.md): the first token comes from the prefill and proposes nothing. Every later
// decode step proposes `specTokens` (K) draft tokens; each is accepted with probability `specAccept` (P), in
// order, until the first rejection. The step then emits accepted + 1 tokens (the target model's own token,
// the "bonus") in ONE stream event, after one step time of the ordinary timing model. The last step of a
// response emits no more than the tokens left; its drafts and acceptances are counted as decided, as a server
// counts its verification before the stop check trims the output.
import { mulberry32 } from './tokens.js';

/** The run's truth, cumulative from the simulator's start (Prometheus counters never go down). */
export interface SpecTotals {
  /** Decode steps that proposed drafts (vLLM `num_drafts`). */
  drafts: number;
  /** Draft tokens proposed (vLLM `num_draft_tokens`): K per step. */
  draftTokens: number;
  /** Draft tokens accepted (vLLM `num_accepted_tokens`). */
  acceptedTokens: number;
  /** Steps whose draft position i (0-based) was accepted (vLLM `num_accepted_tokens_per_pos{position="i"}`). */
  acceptedPerPos: number[];
  /** Stream events by the tokens they carried: `eventsByTokens[n]` = events that carried n tokens (the first token's included). */
  eventsByTokens: number[];
}

export function newSpecTotals(specTokens: number): SpecTotals {
  return { drafts: 0, draftTokens: 0, acceptedTokens: 0, acceptedPerPos: new Array<number>(specTokens).fill(0), eventsByTokens: new Array<number>(specTokens + 2).fill(0) };
}

/**
 * One response's drafter, seeded by the simulator's seed and the request's number, so a run is repeatable
 * (with one request at a time, exactly; with many, the totals are exact whatever order requests arrive in).
 */
export class SpecDrafter {
  private readonly rand: () => number;

  constructor(
    private readonly specTokens: number,
    private readonly specAccept: number,
    seed: number,
    requestNo: number,
    private readonly totals: SpecTotals,
  ) {
    this.rand = mulberry32((seed ^ Math.imul(requestNo + 1, 0x9e3779b1)) >>> 0);
  }

  /** Tokens the next event carries: 1 for the prefill's token, else accepted drafts + 1, at most `remaining`. */
  step(emitted: number, remaining: number): number {
    let tokens = 1;
    if (emitted > 0) {
      let accepted = 0;
      while (accepted < this.specTokens && this.rand() < this.specAccept) this.totals.acceptedPerPos[accepted++]!++;
      this.totals.drafts++;
      this.totals.draftTokens += this.specTokens;
      this.totals.acceptedTokens += accepted;
      tokens = accepted + 1;
    }
    const sent = Math.min(tokens, remaining);
    this.totals.eventsByTokens[sent]!++;
    return sent;
  }
}

/** Mean tokens per decode step (after the first token) the model predicts: sum of P^i for i = 0..K. */
export function expectedStepTokens(specTokens: number, specAccept: number): number {
  let sum = 0;
  for (let i = 0; i <= specTokens; i++) sum += specAccept ** i;
  return sum;
}

const value = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));

/**
 * vLLM's spec-decode counters (vllm/v1/spec_decode/metrics.py; prometheus_client adds `_total`) and SGLang's
 * gauges. SGLang's are averages over its last logging window; the simulator serves them over its whole life.
 */
export function renderSpecMetrics(lines: string[], modelLabels: string, totals: SpecTotals): void {
  // prometheus_client writes label names sorted: engine, model_name, position.
  const labels = `engine="0",${modelLabels}`;
  const counter = (name: string, help: string, v: number) => lines.push(`# HELP ${name}_total ${help}`, `# TYPE ${name}_total counter`, `${name}_total{${labels}} ${value(v)}`);
  counter('vllm:spec_decode_num_drafts', 'Number of spec decoding drafts.', totals.drafts);
  counter('vllm:spec_decode_num_draft_tokens', 'Number of draft tokens.', totals.draftTokens);
  counter('vllm:spec_decode_num_accepted_tokens', 'Number of accepted tokens.', totals.acceptedTokens);
  const perPos = 'vllm:spec_decode_num_accepted_tokens_per_pos_total';
  lines.push(`# HELP ${perPos} Accepted tokens per draft position.`, `# TYPE ${perPos} counter`);
  totals.acceptedPerPos.forEach((n, i) => lines.push(`${perPos}{${labels},position="${i}"} ${value(n)}`));
  const acceptLength = totals.drafts > 0 ? 1 + totals.acceptedTokens / totals.drafts : 0;
  const acceptRate = totals.draftTokens > 0 ? totals.acceptedTokens / totals.draftTokens : 0;
  lines.push('# HELP sglang:spec_accept_length The average acceptance length of speculative decoding.', '# TYPE sglang:spec_accept_length gauge', `sglang:spec_accept_length{${modelLabels}} ${value(acceptLength)}`);
  lines.push('# HELP sglang:spec_accept_rate The average acceptance rate of speculative decoding (`accepted tokens / total draft tokens` in batch).', '# TYPE sglang:spec_accept_rate gauge', `sglang:spec_accept_rate{${modelLabels}} ${value(acceptRate)}`);
}
