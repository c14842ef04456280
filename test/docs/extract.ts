// Finds the runnable examples of a Markdown file and compares their output with what the docs show.
import { readFileSync } from 'node:fs';

/** Where the docs write a server's URL; the test replaces it with a simulator it starts. */
export const PLACEHOLDER_URL = 'http://gpu-box:8000';

export interface DocExample {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: 'sh' | 'js';
  code: string;
  /** Exit code the block must end with; null = every command must succeed. */
  exit: number | null;
  expected?: { mode: 'output' | 'glimpse'; text: string };
}

interface Fence {
  line: number;
  info: string;
  body: string;
}

function fences(text: string): Fence[] {
  const lines = text.split('\n');
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    out.push({ line: start + 1, info: open[1].trim(), body: body.join('\n') });
  }
  return out;
}

/** Every ```sh runnable / ```js runnable block, with the ```text output|glimpse block that follows it. */
export function extractExamples(path: string, file: string): DocExample[] {
  const text = readFileSync(path, 'utf8');
  const all = fences(text);
  const lines = text.split('\n');
  const examples: DocExample[] = [];
  all.forEach((fence, k) => {
    const words = fence.info.split(/\s+/);
    if (!words.includes('runnable') || (words[0] !== 'sh' && words[0] !== 'js')) return;
    const exitWord = words.find((w) => w.startsWith('exit='));
    const example: DocExample = { file, line: fence.line, lang: words[0], code: fence.body, exit: exitWord ? Number(exitWord.slice(5)) : null };
    const next = all[k + 1];
    if (next && /^text (output|glimpse)$/.test(next.info)) {
      // Only prose may stand between a command and its output, never another code block.
      const between = lines.slice(fence.line + fence.body.split('\n').length + 1, next.line - 1);
      if (between.every((l) => !l.startsWith('```'))) example.expected = { mode: next.info.split(' ')[1] as 'output' | 'glimpse', text: next.body };
    }
    examples.push(example);
  });
  return examples;
}

/** A line as compared: no table borders, single spaces, every number written as #. */
export function normalizeLine(line: string): string {
  return line
    .replace(/[│┌┐└┘├┤┬┴┼─]/g, ' ')
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}

const isSkipped = (line: string) => line === '' || line === '…' || line === '...';

/**
 * Problems found comparing printed output with the docs' copy (empty = it matches).
 * `output`: the same lines in the same order (lines starting with "Warning:" are allowed extra: they
 * depend on how busy the machine is). `glimpse`: the docs' lines appear in order.
 */
export function matchOutput(expected: string, actual: string, mode: 'output' | 'glimpse'): string[] {
  const want = expected.split('\n').map(normalizeLine).filter((l) => !isSkipped(l));
  let got = actual.split('\n').map(normalizeLine).filter((l) => !isSkipped(l));
  if (mode === 'output') {
    got = got.filter((l) => !l.startsWith('Warning:'));
    const problems: string[] = [];
    const n = Math.max(want.length, got.length);
    for (let i = 0; i < n; i++) if (want[i] !== got[i]) problems.push(`line ${i + 1}: docs "${want[i] ?? ''}", printed "${got[i] ?? ''}"`);
    return problems.slice(0, 5);
  }
  let at = 0;
  const problems: string[] = [];
  for (const line of want) {
    const found = got.indexOf(line, at);
    if (found < 0) problems.push(`not printed (in this order): "${line}"`);
    else at = found + 1;
  }
  return problems;
}
