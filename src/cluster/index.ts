// Running one load test from many machines: shards, a shared start, merging, and the server's own metrics.
export { applyShard, globalRequestIndex, parseShard, shardLabel, shardPrompts, shardSeed, shareOf, type ShardSpec } from './shard.js';
export { parseStartAt, waitUntil } from './start-at.js';
export { addClusterOptions, withClusterOptions, type ClusterFlags, type ClusterPlanFields } from './plan.js';
export { ClusterRun } from './run-extras.js';
export { describeShards, shardEntries, type MergedSection, type ShardEntry, type ShardSection } from './merge-shards.js';
export { mergeRequestFiles } from './merge-records.js';
export { probeClockOffset, skewBetween, type ClockOffset } from './clock-probe.js';
export { parsePrometheusText } from './prometheus.js';
export { clusterSections, serverMetricsCharts, serverMetricsSection, shardsSection } from './report-sections.js';
