// Predicts what the simulator will do for a given load, event by event, with the exact rules it runs:
// the truth a capacity search or a test compares a measured run with (no network, no timer lag).
import { itlEffectiveMs } from './capacity.js';
import type { MockConfig } from './options.js';
import { MinHeap } from './min-heap.js';

type ModelParams = Pick<MockConfig, 'ttftMs' | 'itlMs' | 'slots' | 'contention'>;

/** One request's predicted life, in ms on the run's timeline (0 = first arrival of a closed loop). */
export interface PredictedRequest {
  arrivalMs: number;
  admittedMs: number;
  firstTokenMs: number;
  lastTokenMs: number;
  /** Wait for a slot. */
  queueMs: number;
  /** Arrival to first token (queue wait included), as a client on a zero-latency network would see it. */
  ttftMs: number;
  /** Arrival to last token. */
  latencyMs: number;
  /** (latency - ttft) / (tokens - 1), 0 for one-token responses. */
  tpotMs: number;
  tokens: number;
}

interface Req {
  out: PredictedRequest;
  total: number;
  emitted: number;
}

interface Event {
  timeMs: number;
  seq: number;
  req: Req;
  kind: 'arrival' | 'token';
}

/** Min-heap on (time, insertion order), the same tie rule as the server's shared timer. */
class EventQueue {
  private readonly heap = new MinHeap<Event>((a, b) => a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq));
  private seq = 0;
  get size(): number {
    return this.heap.size;
  }
  push(timeMs: number, req: Req, kind: Event['kind']): void {
    this.heap.push({ timeMs, seq: this.seq++, req, kind });
  }
  pop(): Event {
    return this.heap.pop();
  }
}

/** Runs the model. `next(tMs)` is asked for a new arrival each time a request finishes (closed loop). */
function run(config: ModelParams, arrivals: { atMs: number; tokens: number }[], onFinish?: (tMs: number) => { atMs: number; tokens: number } | null): PredictedRequest[] {
  const events = new EventQueue();
  const waiting: Req[] = [];
  let waitHead = 0;
  let active = 0;
  const results: PredictedRequest[] = [];
  const add = (atMs: number, tokens: number) => {
    const out: PredictedRequest = { arrivalMs: atMs, admittedMs: NaN, firstTokenMs: NaN, lastTokenMs: NaN, queueMs: NaN, ttftMs: NaN, latencyMs: NaN, tpotMs: 0, tokens };
    results.push(out);
    events.push(atMs, { out, total: tokens, emitted: 0 }, 'arrival');
  };
  const admit = (req: Req, atMs: number) => {
    active++;
    req.out.admittedMs = atMs;
    req.out.queueMs = atMs - req.out.arrivalMs;
    events.push(atMs + config.ttftMs, req, 'token');
  };
  for (const a of arrivals) add(a.atMs, a.tokens);
  while (events.size > 0) {
    const ev = events.pop();
    const req = ev.req;
    if (ev.kind === 'arrival') {
      if (active < config.slots) admit(req, ev.timeMs);
      else waiting.push(req);
      continue;
    }
    if (req.emitted < req.total) {
      req.emitted++;
      if (req.emitted === 1) req.out.firstTokenMs = ev.timeMs;
    }
    if (req.emitted < req.total) {
      events.push(ev.timeMs + itlEffectiveMs(config, active), req, 'token');
      continue;
    }
    // Finished: the slot frees now and goes to the longest waiter.
    active--;
    const o = req.out;
    o.lastTokenMs = ev.timeMs;
    if (Number.isNaN(o.firstTokenMs)) o.firstTokenMs = ev.timeMs;
    o.ttftMs = o.firstTokenMs - o.arrivalMs;
    o.latencyMs = o.lastTokenMs - o.arrivalMs;
    o.tpotMs = req.total > 1 ? (o.latencyMs - o.ttftMs) / (req.total - 1) : 0;
    while (active < config.slots && waitHead < waiting.length) admit(waiting[waitHead++]!, ev.timeMs);
    const next = onFinish?.(ev.timeMs);
    if (next) add(next.atMs, next.tokens);
  }
  return results;
}

/** Open loop: requests arrive at the given times (ms), each with `outputTokens` tokens (or one count per request). */
export function predictOpenLoop(config: ModelParams, arrivalsMs: readonly number[], outputTokens: number | readonly number[]): PredictedRequest[] {
  const tokensAt = (i: number) => (typeof outputTokens === 'number' ? outputTokens : outputTokens[i]!);
  return run(config, arrivalsMs.map((atMs, i) => ({ atMs, tokens: tokensAt(i) })));
}

/** Closed loop: `concurrency` requests at time 0, each finished one replaced at once, `totalRequests` in all. */
export function predictClosedLoop(config: ModelParams, concurrency: number, totalRequests: number, outputTokens: number): PredictedRequest[] {
  const first = Math.min(concurrency, totalRequests);
  let sent = first;
  const initial = Array.from({ length: first }, () => ({ atMs: 0, tokens: outputTokens }));
  return run(config, initial, (tMs) => (sent < totalRequests ? (sent++, { atMs: tMs, tokens: outputTokens }) : null));
}
