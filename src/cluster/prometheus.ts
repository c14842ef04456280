// Parses the Prometheus text exposition format (what vLLM, SGLang, TGI and llama.cpp serve at /metrics) into one number per metric.

/** One scrape: metric name -> value, label sets already combined (see `combine`). */
export type ScrapeValues = Map<string, number>;

/** Gauges of a fraction (KV-cache usage and the like) are averaged over label sets; everything else is summed. */
// DCGM_FI_DEV_GPU_UTIL is a per-GPU percentage: averaged over GPUs too (power and memory add up).
const AVERAGED = /perc|usage|ratio|utili[sz]ation|_GPU_UTIL$/;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Families whose samples are per-bucket or per-quantile: their shape does not fit one series per name. */
const SKIPPED_TYPES = new Set(['histogram', 'summary', 'gaugehistogram']);

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Skips a `{...}` label block, honouring quotes and escapes; returns the index after `}` (or -1 if torn). */
function skipLabels(line: string, open: number): number {
  let quoted = false;
  for (let i = open + 1; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '}') return i + 1;
  }
  return -1;
}

/**
 * Families whose samples differ by one label that must not be combined away: they are kept per value of it,
 * as `name{label="value"}` (vLLM's acceptance per draft position; other label sets are still combined).
 */
const KEPT_LABEL = new Map<string, { label: string; pattern: RegExp }>([
  ['vllm:spec_decode_num_accepted_tokens_per_pos_total', { label: 'position', pattern: /[{,]\s*position\s*=\s*"((?:[^"\\]|\\.)*)"/ }],
]);

/** `name{label="v"}` from a sample's label block, or the bare name when the label is absent. */
function keyWithLabel(name: string, kept: { label: string; pattern: RegExp }, block: string): string {
  const match = kept.pattern.exec(block);
  return match ? `${name}{${kept.label}="${match[1]}"}` : name;
}

/** Family types remembered per page at most (a page may declare hundreds of thousands). */
const MAX_TYPES = 10_000;

/**
 * Parses a page line by line as it arrives, label sets combined per name: summed (requests running across
 * models or engines add up), averaged for fractions. Histogram and summary families and `_created` samples
 * are left out; malformed lines are skipped, never fatal. `accept(name)` decides whether a new name is kept,
 * so a page with 200,000 series costs what the kept names cost; refused samples are counted.
 */
export class PrometheusPage {
  private readonly types = new Map<string, string>();
  private readonly sums = new Map<string, { total: number; n: number }>();
  /** Sample lines whose name `accept` refused. */
  refusedSamples = 0;

  constructor(private readonly accept: (name: string) => boolean = () => true) {}

  line(raw: string): void {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const typeLine = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (typeLine && this.types.size < MAX_TYPES) this.types.set(typeLine[1]!, typeLine[2]!.toLowerCase());
      return;
    }
    const nameMatch = NAME.exec(line);
    if (!nameMatch) return;
    const name = nameMatch[0];
    if (name.endsWith('_created') || familyType(name, this.types) !== undefined) return;
    let rest = name.length;
    if (line[rest] === '{') {
      rest = skipLabels(line, rest);
      if (rest < 0) return;
    }
    const value = parseValue(line.slice(rest).trim().split(/\s+/)[0] ?? '');
    if (!Number.isFinite(value)) return;
    const kept = KEPT_LABEL.get(name);
    const key = kept === undefined ? name : keyWithLabel(name, kept, line.slice(name.length, rest));
    const entry = this.sums.get(key);
    if (entry) {
      entry.total += value;
      entry.n++;
    } else if (this.accept(key)) this.sums.set(key, { total: value, n: 1 });
    else this.refusedSamples++;
  }

  values(): ScrapeValues {
    const values: ScrapeValues = new Map();
    for (const [name, { total, n }] of this.sums) values.set(name, AVERAGED.test(name) ? total / n : total);
    return values;
  }
}

/** A whole page at once (see PrometheusPage). */
export function parsePrometheusText(text: string): ScrapeValues {
  const page = new PrometheusPage();
  for (const raw of text.split('\n')) page.line(raw);
  return page.values();
}

/** The skipped family a sample belongs to (`x_bucket` of histogram `x`), or undefined when it is kept. */
function familyType(name: string, types: Map<string, string>): string | undefined {
  const own = types.get(name);
  if (own !== undefined) return SKIPPED_TYPES.has(own) ? own : undefined;
  for (const suffix of ['_bucket', '_sum', '_count', '_gcount', '_gsum']) {
    if (name.endsWith(suffix)) {
      const family = types.get(name.slice(0, -suffix.length));
      if (family !== undefined && SKIPPED_TYPES.has(family)) return family;
    }
  }
  return undefined;
}
