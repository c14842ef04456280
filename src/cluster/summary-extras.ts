// Merging the summary fields other parts add beyond totals and histograms, where their counts allow it.

type Values = Array<Record<string, number> | null | undefined>;

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Present inputs only; null when none has the field (as a single run without the data writes it). */
function present(values: Values): Array<Record<string, number>> {
  return values.filter((v): v is Record<string, number> => v !== null && v !== undefined && typeof v === 'object');
}

/** Field name -> how the inputs' values combine: counts add, maxima take the max, means re-weight by their counts. */
const MERGERS: Record<string, (values: Values) => unknown> = {
  input_tokens_client_vs_server: (values) => {
    const parts = present(values);
    if (parts.length === 0) return null;
    const sum = (key: string) => parts.reduce((s, p) => s + (p[key] ?? 0), 0);
    const compared = sum('compared');
    return {
      compared,
      client_total: sum('client_total'),
      server_total: sum('server_total'),
      mean_difference: compared > 0 ? round(parts.reduce((s, p) => s + p.mean_difference! * p.compared!, 0) / compared) : 0,
      max_abs_difference: Math.max(...parts.map((p) => p.max_abs_difference ?? 0)),
      differing: sum('differing'),
    };
  },
  output_tokens_requested_vs_actual: (values) => {
    const parts = present(values);
    if (parts.length === 0) return null;
    const sum = (key: string) => parts.reduce((s, p) => s + (p[key] ?? 0), 0);
    const requests = sum('requests');
    const mean = (key: string) => (requests > 0 ? round(parts.reduce((s, p) => s + p[key]! * p.requests!, 0) / requests) : 0);
    return { requests, requested_mean: mean('requested_mean'), actual_mean: mean('actual_mean'), shorter: sum('shorter'), exact: sum('exact'), longer: sum('longer') };
  },
};

/** The merged value of a known summary field, or undefined when llmperf does not know how to merge it. */
export function mergeSummaryExtra(key: string, values: unknown[]): unknown {
  const merge = MERGERS[key];
  return merge ? merge(values as Values) : undefined;
}
