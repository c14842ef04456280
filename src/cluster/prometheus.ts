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
 * Every gauge, counter and untyped sample of the page, label sets combined per name: summed (requests
 * running across models or engines add up), averaged for fractions. Histogram and summary families and
 * `_created` samples are left out; malformed lines are skipped, never fatal.
 */
export function parsePrometheusText(text: string): ScrapeValues {
  const types = new Map<string, string>();
  const sums = new Map<string, { total: number; n: number }>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const typeLine = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (typeLine) types.set(typeLine[1]!, typeLine[2]!.toLowerCase());
      continue;
    }
    const nameMatch = NAME.exec(line);
    if (!nameMatch) continue;
    const name = nameMatch[0];
    if (name.endsWith('_created') || familyType(name, types) !== undefined) continue;
    let rest = name.length;
    if (line[rest] === '{') {
      rest = skipLabels(line, rest);
      if (rest < 0) continue;
    }
    const value = parseValue(line.slice(rest).trim().split(/\s+/)[0] ?? '');
    if (!Number.isFinite(value)) continue;
    const entry = sums.get(name);
    if (entry) {
      entry.total += value;
      entry.n++;
    } else sums.set(name, { total: value, n: 1 });
  }
  const values: ScrapeValues = new Map();
  for (const [name, { total, n }] of sums) values.set(name, AVERAGED.test(name) ? total / n : total);
  return values;
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
