// The live-export flags (--metrics-port, --metrics-host, --metrics-linger, --otlp-endpoint, --otlp-traces), validated at the edge.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseDurationMs, parsePositiveNumber } from '../util/parse.js';

export interface LiveFlags {
  metricsPort?: string;
  metricsHost?: string;
  metricsLinger?: string;
  otlpEndpoint?: string;
  otlpTraces?: boolean;
  otlpInterval?: string;
}

/** What a run exports while it lasts; every field off by default. */
export interface LivePlan {
  /** Prometheus endpoint port (0: any free port, announced); null: no endpoint. */
  metricsPort: number | null;
  metricsHost: string;
  /** After the run, keep serving until one scrape has read the final values, at most this long. */
  metricsLingerMs: number;
  /** OTLP/HTTP base URL (…:4318) or full /v1/metrics URL; null: no export. */
  otlpEndpoint: string | null;
  otlpTraces: boolean;
  otlpIntervalMs: number;
}

export const DEFAULT_LIVE: LivePlan = {
  metricsPort: null,
  metricsHost: '127.0.0.1',
  metricsLingerMs: 15_000,
  otlpEndpoint: null,
  otlpTraces: false,
  otlpIntervalMs: 5_000,
};

export function addLiveOptions(command: Command): Command {
  return command
    .option('--metrics-port <port>', 'serve live Prometheus metrics on this port while the run lasts (0: any free port)')
    .option('--metrics-host <host>', 'address the metrics endpoint listens on (default 127.0.0.1; 0.0.0.0 for every interface)')
    .option('--metrics-linger <time>', 'after the run, keep the endpoint up until one scrape has read the final values, at most this long', '15s')
    .option('--otlp-endpoint <url>', 'push the live metrics over OTLP/HTTP (JSON) to a collector, e.g. http://localhost:4318')
    .option('--otlp-traces', 'with --otlp-endpoint: also export one span per request with its first-token event')
    .option('--otlp-interval <time>', 'with --otlp-endpoint: how often metrics are pushed', '5s');
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new UsageError(`--metrics-port ${text}: not a port; give 1-65535 (0: any free port)`);
  return port;
}

function parseOtlpUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--otlp-endpoint ${text}: not a URL; use e.g. http://localhost:4318`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--otlp-endpoint ${text}: must be http:// or https:// (OTLP/HTTP; gRPC is not supported)`);
  return url.toString().replace(/\/+$/, '');
}

export function toLivePlan(flags: LiveFlags): LivePlan {
  if (flags.otlpTraces && flags.otlpEndpoint === undefined) throw new UsageError('--otlp-traces: also give --otlp-endpoint URL (where the spans go)');
  if (flags.metricsHost !== undefined && flags.metricsPort === undefined) throw new UsageError('--metrics-host: also give --metrics-port P');
  const intervalMs = flags.otlpInterval === undefined ? DEFAULT_LIVE.otlpIntervalMs : parseDurationMs(flags.otlpInterval, '--otlp-interval');
  if (intervalMs < 100) throw new UsageError(`--otlp-interval ${flags.otlpInterval}: at least 100ms`);
  return {
    metricsPort: flags.metricsPort === undefined ? null : parsePort(flags.metricsPort),
    metricsHost: flags.metricsHost ?? DEFAULT_LIVE.metricsHost,
    metricsLingerMs: flags.metricsLinger === undefined ? DEFAULT_LIVE.metricsLingerMs : parseDurationMs(flags.metricsLinger, '--metrics-linger', true),
    otlpEndpoint: flags.otlpEndpoint === undefined ? null : parseOtlpUrl(flags.otlpEndpoint),
    otlpTraces: Boolean(flags.otlpTraces),
    otlpIntervalMs: intervalMs,
  };
}

/** The OTLP/HTTP path for a signal: a base URL gets `/v1/metrics` or `/v1/traces`, as OTEL_EXPORTER_OTLP_ENDPOINT does. */
export function otlpSignalUrl(endpoint: string, signal: 'metrics' | 'traces'): string {
  return /\/v1\/(metrics|traces)$/.test(endpoint) ? endpoint.replace(/\/v1\/(metrics|traces)$/, `/v1/${signal}`) : `${endpoint}/v1/${signal}`;
}
