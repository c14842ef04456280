// What plain-JSON chart configs cannot carry (tick label functions), added where the chart is drawn: browser and PNG alike.

/**
 * Gives axes marked `llmperfNines: true` percentile tick labels. Such an axis is linear in "nines",
 * -log10(1 - q): p50 sits at 0.3, p90 at 1, p99 at 2, p99.9 at 3, so the tail gets the room it needs.
 * Self-contained on purpose: the HTML report inlines this function's source (Function.prototype.toString).
 */
export function hydrateChartConfig(config: {
  options?: { scales?: Record<string, Record<string, unknown>> };
  data?: { datasets?: Array<Record<string, unknown>> };
  plugins?: unknown[];
}): void {
  // Datasets with `llmperfLabels` get each label written beside its point (the load a stage ran at).
  const labelled = ((config.data && config.data.datasets) || []).some((d) => Array.isArray(d.llmperfLabels));
  if (labelled) {
    const pointLabels = {
      id: 'llmperf-point-labels',
      afterDatasetsDraw(chart: any) {
        const ctx = chart.ctx;
        ctx.save();
        ctx.font = '12px sans-serif';
        ctx.fillStyle = '#374151';
        chart.data.datasets.forEach((dataset: any, i: number) => {
          if (!Array.isArray(dataset.llmperfLabels) || !chart.isDatasetVisible(i)) return;
          chart.getDatasetMeta(i).data.forEach((point: any, j: number) => {
            const text = dataset.llmperfLabels[j];
            if (text !== undefined) ctx.fillText(String(text), point.x + 7, point.y - 7);
          });
        });
        ctx.restore();
      },
    };
    config.plugins = (config.plugins || []).concat([pointLabels]);
  }
  const scales = (config.options && config.options.scales) || {};
  for (const id of Object.keys(scales)) {
    const axis = scales[id] as Record<string, any>;
    if (!axis || !axis.llmperfNines) continue;
    const label = (nines: number) => {
      const pct = 100 * (1 - Math.pow(10, -nines));
      return 'p' + (Math.round(pct * 1000) / 1000).toString();
    };
    axis.afterBuildTicks = (scale: { max: number; ticks: Array<{ value: number }> }) => {
      const marks = [0, Math.log10(2), 1, 2, 3, 4, 5].filter((v) => v <= scale.max + 1e-9);
      scale.ticks = marks.map((value) => ({ value }));
    };
    axis.ticks = Object.assign({}, axis.ticks, { callback: (value: number) => label(Number(value)), autoSkip: false });
  }
}
