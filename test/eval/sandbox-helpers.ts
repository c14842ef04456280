// Shared by the sandbox suites: is bubblewrap here, a fixture server that answers with given code, and a /proc scan.
import { listenOnLoopback } from '../helpers/servers.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { delimiter, join } from 'node:path';

/** Why the bubblewrap suites cannot run here, or null when bwrap is installed (a bwrap that fails must fail the tests, not skip them). */
export const noBwrap: string | null = (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'bwrap')))
  ? null
  : 'bubblewrap (bwrap) is not installed: apt-get install bubblewrap (.ci/run installs it)';

/** Processes (pids) whose command line contains `marker`, seen from the host's /proc (sandboxed ones included). */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Polls `check` every 50 ms until it is true or `limitMs` passes; returns its last value. */
export async function waitFor(check: () => boolean, limitMs: number): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** A HumanEval reply whose code block runs `payload` at import, then defines a correct `add` (the shipped Sample/0 task). */
export function replyWith(payload: string): string {
  return `\`\`\`python\n${payload}\n\ndef add(a, b):\n    return a + b\n\`\`\``;
}

export interface CodeServer {
  url: string;
  /** Chat requests received so far. */
  requests: () => number;
  close: () => Promise<void>;
}

/** An OpenAI-compatible server on loopback that streams `reply` to every chat request (a hostile model, in a few lines). */
export async function startCodeServer(reply: string): Promise<CodeServer> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'hostile' }] }));
      return;
    }
    requests++;
    req.resume();
    req.on('end', () => {
      const event = (delta: object, finish: string | null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end(event({ content: reply }, null) + event({}, 'stop') + 'data: [DONE]\n\n');
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, requests: () => requests, close };
}
