// Fault registry: kinds looked up by name, per-request seeded choice, and the KIND:RATE flag parser.
import { UsageError } from '../../errors.js';
import { hash32, mulberry32 } from '../tokens.js';
import { fault429 } from './429.js';
import { fault500 } from './500.js';
import { fault503 } from './503.js';
import { faultBadJson } from './bad-json.js';
import { faultHtml200 } from './html200.js';
import { faultHugeChunk } from './huge-chunk.js';
import { faultMalformedSse } from './malformed-sse.js';
import { faultNoDone } from './no-done.js';
import { faultNoHeaders } from './no-headers.js';
import { faultNoUsage } from './no-usage.js';
import { faultReset } from './reset.js';
import { faultSlowHeaders } from './slow-headers.js';
import { faultStall } from './stall.js';
import { FAULT_KINDS, type Fault, type FaultKind, type FaultSpec } from './types.js';

export { FAULT_KINDS, type Fault, type FaultEnv, type FaultKind, type FaultSpec, type FaultWrite } from './types.js';

export const FAULTS: Readonly<Record<FaultKind, Fault>> = {
  reset: faultReset,
  '429': fault429,
  '500': fault500,
  '503': fault503,
  html200: faultHtml200,
  'malformed-sse': faultMalformedSse,
  'bad-json': faultBadJson,
  stall: faultStall,
  'slow-headers': faultSlowHeaders,
  'no-headers': faultNoHeaders,
  'huge-chunk': faultHugeChunk,
  'no-done': faultNoDone,
  'no-usage': faultNoUsage,
};

/**
 * Which fault (if any) hits request number `requestNo`. Each configured fault in turn gets a draw;
 * the first whose draw falls under its rate wins, so rates apply independently and in the order given.
 * Seeded by (seed, requestNo): the same run gives the same faults on the same request numbers.
 */
export function pickFault(specs: readonly FaultSpec[], seed: number, requestNo: number): { fault: Fault; rand: () => number } | null {
  if (specs.length === 0) return null;
  const rand = mulberry32(hash32(`fault:${requestNo}`, seed));
  for (const spec of specs) {
    if (rand() < spec.rate) return { fault: FAULTS[spec.kind], rand };
  }
  return null;
}

/** Parses `KIND:RATE` (e.g. `reset:0.1`, `429:5%`); throws UsageError naming the known kinds. */
export function parseFaultSpec(text: string): FaultSpec {
  const at = text.lastIndexOf(':');
  const kind = (at > 0 ? text.slice(0, at) : text) as FaultKind;
  if (!FAULT_KINDS.includes(kind)) {
    throw new UsageError(`--fault ${text}: unknown kind "${kind}"; use KIND:RATE with KIND one of ${FAULT_KINDS.join(', ')}`);
  }
  const rateText = at > 0 ? text.slice(at + 1).trim() : '';
  const percent = rateText.endsWith('%');
  const rate = Number(percent ? rateText.slice(0, -1) : rateText) / (percent ? 100 : 1);
  if (rateText === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new UsageError(`--fault ${text}: rate must be between 0 and 1 (or 0% and 100%), e.g. ${kind}:0.1`);
  }
  return { kind, rate };
}
