// deploy/grafana's dashboard: it parses, every panel query names only metrics llmperf or the simulator exports, and PromQL accepts it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { exportedSeriesNames } from '../../src/live/names.js';
import { startMockCli } from '../helpers/cli.js';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana/dashboards/llmperf.json'), 'utf8'));
const panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }> = dashboard.panels.filter((p: { type: string }) => p.type !== 'row');
const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
/** Metric names in a query: llmperf's, vLLM's and DCGM's families (labels, functions and keywords never start so). */
const metricNames = (expr: string) => expr.match(/\b(?:llmperf_[a-z0-9_]+|vllm:[a-z0-9_]+|DCGM_FI_[A-Z0-9_]+)/g) ?? [];
const PROMTOOL = spawnSync('promtool', ['--version']).status === 0 ? 'promtool' : null;

describe('deploy/grafana/dashboards/llmperf.json', () => {
  it('has panels for llmperf, vLLM and DCGM, each with at least one query naming a metric', () => {
    expect(dashboard.uid).toBe('llmperf-live');
    expect(panels.length).toBeGreaterThanOrEqual(14);
    for (const panel of panels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(metricNames(target.expr).length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
    }
    const all = exprs.flatMap((e) => metricNames(e.expr));
    for (const family of ['llmperf_', 'vllm:', 'DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_FB_USED', 'vllm:kv_cache_usage_perc', 'vllm:num_requests_waiting']) {
      expect(all.some((name) => name.startsWith(family)), family).toBe(true);
    }
  });

  it('names only series that llmperf --metrics-port or the simulator serve', async () => {
    const mock = await startMockCli([]);
    let served: string;
    try {
      served = await (await fetch(`${mock.url}/metrics`)).text();
    } finally {
      await mock.stop();
    }
    const known = new Set([...exportedSeriesNames(), ...served.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0])]);
    for (const { panel, expr } of exprs) {
      for (const name of metricNames(expr)) expect(known.has(name), `${panel}: ${name} is not exported`).toBe(true);
    }
  }, 30_000);

  it.skipIf(PROMTOOL === null)('every query is valid PromQL and the Prometheus config is valid (promtool)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmperf-dash-'));
    try {
      // Grafana's variables replaced as Grafana would before sending the query.
      const rules = exprs.map((e, i) => ({ record: `llmperf:panel_${i}`, expr: e.expr.replaceAll('$__rate_interval', '1m').replaceAll('$run_id', '.*') }));
      writeFileSync(join(dir, 'rules.yml'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const checked = spawnSync(PROMTOOL!, ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
      expect(checked.status, checked.stdout + checked.stderr).toBe(0);
      const config = spawnSync(PROMTOOL!, ['check', 'config', '--syntax-only', join(DEPLOY, 'prometheus.yml')], { encoding: 'utf8' });
      expect(config.status, config.stdout + config.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/compose.yaml', () => {
  it('starts Prometheus and Grafana with the dashboard and datasource provisioned from files that exist', () => {
    const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'));
    expect(Object.keys(compose.services).sort()).toEqual(['grafana', 'prometheus']);
    const mounts: string[] = compose.services.grafana.volumes;
    expect(mounts).toContain('./grafana/dashboards:/var/lib/grafana/dashboards:ro');
    const provider = parse(readFileSync(join(DEPLOY, 'grafana/provisioning/dashboards/llmperf.yaml'), 'utf8'));
    expect(provider.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
    const datasource = parse(readFileSync(join(DEPLOY, 'grafana/provisioning/datasources/prometheus.yaml'), 'utf8'));
    expect(datasource.datasources[0].url).toBe('http://prometheus:9090');
    expect(compose.services.prometheus.volumes[0]).toMatch(/^\.\/prometheus\.yml:/);
  });
});
