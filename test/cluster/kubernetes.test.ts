// The Kubernetes manifests: they parse, carry the fields the Job API requires, and their command lines are ones llmperf accepts.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { mergeCommand } from '../../src/cli/merge.js';
import { addRunOptions } from '../../src/cli/run-flags.js';
import { toRunPlan, type RunFlags } from '../../src/run/plan.js';

const DIR = new URL('../../deploy/kubernetes/', import.meta.url);
const RUN_ID = '20260131-120000';
const START_AT = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** The manifest as run.sh applies it: placeholders filled in, then parsed (every document). */
function manifest(name: string): any[] {
  const text = readFileSync(new URL(name, DIR), 'utf8').replaceAll('__RUN_ID__', RUN_ID).replaceAll('__START_AT__', START_AT);
  const docs = parseAllDocuments(text);
  for (const doc of docs) expect(doc.errors, name).toEqual([]);
  return docs.map((doc) => doc.toJS());
}

/** Kubernetes' $(VAR) expansion of container args: defined variables are replaced, $$ escapes, the rest stays. */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name?: string) => (match === '$$' ? '$' : name !== undefined && name in env ? env[name]! : match));
}

function containerEnv(container: any, fieldRefs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    if (typeof entry.value === 'string') env[entry.name] = entry.value;
    else if (entry.valueFrom?.fieldRef) env[entry.name] = fieldRefs[entry.valueFrom.fieldRef.fieldPath] ?? '';
  }
  return env;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function checkJobBasics(job: any, pvcName: string): any {
  expect(job.apiVersion).toBe('batch/v1');
  expect(job.kind).toBe('Job');
  expect(job.metadata.name).toMatch(DNS_LABEL);
  const pod = job.spec.template.spec;
  // The Job API rejects any other restart policy.
  expect(['Never', 'OnFailure']).toContain(pod.restartPolicy);
  expect(pod.containers.length).toBeGreaterThan(0);
  for (const container of pod.containers) {
    expect(container.name).toMatch(DNS_LABEL);
    expect(typeof container.image).toBe('string');
    const volumes = new Set(pod.volumes.map((v: any) => v.name));
    for (const mount of container.volumeMounts) expect(volumes.has(mount.name), mount.name).toBe(true);
  }
  expect(pod.volumes.find((v: any) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName).toBe(pvcName);
  return pod.containers[0];
}

/** Parses a `run` command line with the real CLI's options and validation, as `llmperf run` would. */
function parseRun(args: string[]) {
  expect(args[0]).toBe('run');
  const command = addRunOptions(new Command('run')).exitOverride().configureOutput({ writeErr: () => {} });
  command.parse(args.slice(1), { from: 'user' });
  return toRunPlan(command.opts() as RunFlags);
}

describe('deploy/kubernetes', () => {
  const [pvc] = manifest('pvc.yaml');

  it('claims a ReadWriteMany volume the shards on different nodes can all write to', () => {
    expect(pvc.apiVersion).toBe('v1');
    expect(pvc.kind).toBe('PersistentVolumeClaim');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(pvc.spec.resources.requests.storage).toBeTruthy();
  });

  it('job.yaml: an Indexed Job of N pods whose command lines are shards 0..N-1 of one valid run', () => {
    const [job] = manifest('job.yaml');
    const container = checkJobBasics(job, pvc.metadata.name);
    expect(job.spec.completionMode).toBe('Indexed');
    const n = job.spec.completions as number;
    expect(job.spec.parallelism).toBe(n);
    expect(job.spec.backoffLimit).toBe(0);
    expect(container.args.every((a: unknown) => typeof a === 'string')).toBe(true);
    const fieldPath = container.env.find((e: any) => e.name === 'JOB_COMPLETION_INDEX').valueFrom.fieldRef.fieldPath;
    expect(fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");

    const plans = Array.from({ length: n }, (_, index) => {
      const env = containerEnv(container, { [fieldPath]: String(index) });
      const args = (container.args as string[]).map((arg) => expand(arg, env));
      expect(args.join(' ')).not.toMatch(/\$\(/); // every reference resolved
      return { plan: parseRun(args), args };
    });
    plans.forEach(({ plan, args }, index) => {
      expect(plan.shard).toEqual({ index, count: n });
      expect(plan.startAtEpochMs).toBe(Date.parse(START_AT));
      expect(plan.serverMetricsUrl).toMatch(/^http:\/\/.+\/metrics$/);
      expect(plan.baseUrl).toMatch(/^http:\/\//);
      expect(args).toContain(`--out=/results/${RUN_ID}/shard-${index}`);
    });
    // The shares add back up to the whole run's load, and the shards' prompts do not overlap.
    const whole = Number((container.args as string[]).find((a) => a.startsWith('--concurrency='))!.split('=')[1]);
    expect(plans.reduce((sum, { plan }) => sum + plan.concurrency, 0)).toBe(whole);
    const texts = plans.flatMap(({ plan }) => plan.prompts.map((p) => p.text));
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('merge-job.yaml: one pod running `llmperf merge` over the run folder into merged/', async () => {
    const [job] = manifest('merge-job.yaml');
    const container = checkJobBasics(job, pvc.metadata.name);
    expect(job.spec.completionMode ?? 'NonIndexed').toBe('NonIndexed');
    const args = (container.args as string[]).map((arg) => expand(arg, containerEnv(container, {})));
    expect(args[0]).toBe('merge');
    // The real command's parser; the action is swapped out so nothing is read from /results.
    const command = mergeCommand().exitOverride().configureOutput({ writeErr: () => {} });
    let parsed: { paths: string[]; options: Record<string, unknown> } | null = null;
    command.action((paths: string[], options: Record<string, unknown>) => void (parsed = { paths, options }));
    await command.parseAsync(args.slice(1), { from: 'user' });
    expect(parsed).toEqual({ paths: [`/results/${RUN_ID}`], options: expect.objectContaining({ out: `/results/${RUN_ID}/merged` }) });
  });

  it('job and merge images match, so the merge reads what the shards wrote', () => {
    const [job] = manifest('job.yaml');
    const [merge] = manifest('merge-job.yaml');
    expect(merge.spec.template.spec.containers[0].image).toBe(job.spec.template.spec.containers[0].image);
  });
});
