// --users, --think-time and the trace header through the built CLI, as a user types them.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/metrics/schema.js';
import { runCli } from '../helpers/cli.js';

const out = () => mkdtempSync(join(tmpdir(), 'llmperf-users-cli-'));

describe('llmperf --users and --think-time', () => {
  it('a multi-turn run of users records users, think time, turns and in-flight', async () => {
    const dir = out();
    const run = await runCli(['--dataset', 'multi-turn', '--users', '3', '--think-time', 'normal:50ms,10ms', '-n', '6', '--sim-ttft', '20', '--out', dir], { timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/llmperf: 3 users \(conversation loops, think time normal:0\.05s,0\.01s\) sending chat requests to/);
    const doc = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ResultDocument;
    expect(doc.config).toMatchObject({ users: 3, think_time: 'normal:0.05s,0.01s' });
    expect(doc.summary.conversations).toBe(6);
    expect(doc.summary.turns_per_conversation).toBeGreaterThan(1);
    expect(doc.summary.max_in_flight).toBeLessThanOrEqual(3);
    expect(doc.summary.mean_in_flight).toBeGreaterThan(0);
    expect(doc.summary.think_time_ms!.count).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'requests.csv'), 'utf8').split('\n')[0]).toContain(',conversation,turn');
    // The console says what concurrency the users came to, and shows the pauses apart from latency.
    expect(run.stdout).toContain(`Users: 3 conversation loops (think time normal:0.05s,0.01s), 6 conversations started, ${doc.summary.turns_per_conversation} turns each; requests in flight: mean ${Number(doc.summary.mean_in_flight!.toFixed(2))}, peak ${doc.summary.max_in_flight}`);
    expect(run.stdout).toMatch(/Think time \(a pause, not latency\) +│ +\d/);
  });

  it('refuses --users beside -c or --rate, and a think time with nothing to pause between: one line, exit 2', async () => {
    for (const [args, message] of [
      [['--users', '2', '-c', '4'], /^llmperf: --users and --concurrency: choose one/],
      [['--users', '2', '--rate', '5'], /^llmperf: --users and --rate: choose one/],
      [['--think-time', '2s', '-n', '2'], /--think-time 2s: a pause needs a next turn/],
      [['--dataset', 'multi-turn', '--think-time', 'soon'], /--think-time soon: "soon" is not a duration/],
      [['sweep', '--concurrency', '1,2', '--users', '2'], /--users shapes one run; sweep and capacity set each stage's load/],
    ] as const) {
      const run = await runCli([...args, '-q']);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
  });

  it('a trace replay says what it does: requests at recorded times, the speed, and the in-flight cap, never "concurrent"', async () => {
    const unbounded = await runCli(['--dataset', 'trace', '--trace-format', 'burstgpt', '--replay-speed', '8', '--out', out()], { timeoutMs: 90_000 });
    expect(unbounded.code, unbounded.stderr).toBe(0);
    expect(unbounded.stderr).toMatch(/llmperf: replaying 47 chat requests at their recorded times \(x8 speed\) to http:\/\/127\.0\.0\.1:\d+ \(model llmperf-sim\), in flight unbounded/);
    expect(unbounded.stderr).not.toMatch(/concurrent/);
    expect(unbounded.stdout).toMatch(/Arrivals: 47 of 47 scheduled sent; at worst \d+ requests? off the trace/);
    const capped = await runCli(['--dataset', 'trace', '--trace-format', 'burstgpt', '--replay-speed', '8', '-c', '5', '-n', '10', '--out', out()], { timeoutMs: 90_000 });
    expect(capped.code, capped.stderr).toBe(0);
    expect(capped.stderr).toMatch(/replaying 10 chat requests .* in flight capped at 5 \(-c\)/);
  });
});
