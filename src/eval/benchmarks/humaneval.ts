// HumanEval: JSONL (or .jsonl.gz) `{task_id, prompt, canonical_solution, test, entry_point}`; pass@k over n samples.
import { UsageError } from '../../errors.js';
import { field, findFiles, parseJsonl, readText, requireDir } from '../data.js';
import { passAtK } from '../metrics/passk.js';
import { runPython } from '../sandbox.js';
import { stripReasoning } from '../extract.js';
import type { Benchmark, EvalItem, LoadedBenchmark, SampleScore } from '../types.js';

interface Task {
  taskId: string;
  prompt: string;
  canonical: string;
  test: string;
  entryPoint: string;
}

const task = (item: EvalItem): Task => item.data as unknown as Task;

/**
 * The program to run from a reply: the last fenced code block (or the whole reply). A block that defines
 * the entry point is a complete function and runs after the prompt (keeping its imports and helpers);
 * otherwise it is a function body that continues the prompt, as the original completion format has it.
 */
export function completionProgram(t: Task, reply: string): string {
  const body = stripReasoning(reply);
  const blocks = [...body.matchAll(/```(?:python|py)?[ \t]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const code = blocks.length > 0 ? blocks[blocks.length - 1]! : body;
  const definesEntry = new RegExp(`^\\s*def\\s+${t.entryPoint}\\s*\\(`, 'm').test(code);
  const solution = definesEntry ? `${t.prompt}\n    pass\n\n${code}` : `${t.prompt}${code}`;
  return `${solution}\n\n${t.test}\n\ncheck(${t.entryPoint})\n`;
}

export const humaneval: Benchmark = {
  name: 'humaneval',
  folder: 'humaneval',
  metric: 'pass@1',
  defaultFewShot: 0,
  executesCode: true,
  async load(dir): Promise<LoadedBenchmark> {
    const root = requireDir(dir, 'humaneval');
    const files = findFiles(root, /\.jsonl(\.gz)?$/);
    if (files.length === 0) throw new UsageError(`${root}: no HumanEval.jsonl or HumanEval.jsonl.gz`);
    const items = files.flatMap((file) =>
      parseJsonl(readText(file), file).map(({ line, value }): EvalItem => {
        const where = `${file}:${line}`;
        const t: Task = { taskId: field(value, 'task_id', where), prompt: field(value, 'prompt', where), canonical: field(value, 'canonical_solution', where), test: field(value, 'test', where), entryPoint: field(value, 'entry_point', where) };
        return { id: t.taskId, subset: 'python', source: where, data: { ...t } };
      }),
    );
    return { items, shots: [], files, notes: [] };
  },
  buildGenerate(item, _shots, ctx) {
    const t = task(item);
    const content = `Complete the following Python function. Reply with the complete function in one \`\`\`python code block.\n\n\`\`\`python\n${t.prompt}\`\`\``;
    return { messages: [{ role: 'user', content }], maxTokens: 1024, temperature: ctx.samples > 1 ? 0.8 : 0, match: t.prompt, samples: ctx.samples };
  },
  async scoreGenerate(item, texts, ctx): Promise<SampleScore> {
    const t = task(item);
    const results = [];
    for (const text of texts) results.push(await runPython(completionProgram(t, text), ctx.allowCodeExecution, { timeoutMs: ctx.codeTimeoutMs, memoryMb: 1024, unsafeNoSandbox: ctx.unsafeNoSandbox }));
    const passed = results.filter((r) => r.status === 'passed').length;
    const n = texts.length;
    const values: Record<string, number> = { 'pass@1': passAtK(n, passed, 1) };
    for (const k of [5, 10, 100]) if (k <= n) values[`pass@${k}`] = passAtK(n, passed, k);
    const first = results[0];
    const extracted = first ? `${first.status}${first.stderrTail ? `: ${first.stderrTail.split('\n').pop()}` : ''}` : null;
    return { value: values['pass@1']!, values, extracted, gold: 'all tests pass' };
  },
  simAnswer(item) {
    const t = task(item);
    return [{ match: t.prompt, correct: `\`\`\`python\n${t.prompt}${t.canonical}\`\`\``, incorrect: `\`\`\`python\n${t.prompt}    return None\n\`\`\`` }];
  },
};
