// Child processes of the benchmark: the burst server and the simulator, pinned to a core with taskset where available.
import { fork, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
export const cores = availableParallelism();
export const hasTaskset = process.platform === 'linux' && spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;

/** The server's core: the last one. The client is pinned to the others (see pinSelf) so they never share. */
export const serverCore = cores - 1;

/** Pins a process to a list of cores; false when taskset is missing or there is one core. */
export function pin(pid, coreList) {
  if (!hasTaskset || cores < 2) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', coreList, String(pid)], { stdio: 'ignore' }).status === 0;
}

/** Client cores: every core but the server's. */
export const clientCores = cores < 2 ? '0' : cores === 2 ? '0' : `0-${cores - 2}`;

function startChild(file, args, onReady) {
  const child = fork(here(file), args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], execArgv: [] });
  const pinned = pin(child.pid, String(serverCore));
  let nextId = 0;
  const pending = new Map();
  child.on('message', (msg) => {
    if (msg.id !== undefined && pending.has(msg.id)) {
      pending.get(msg.id)(msg.value);
      pending.delete(msg.id);
    }
  });
  const call = (type) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ type, id });
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within 15 s`)), 15_000);
    child.once('exit', (code) => reject(new Error(`${file} exited (code ${code}) before it was ready`)));
    onReady(child, (info) => {
      clearTimeout(timer);
      resolve({ ...info, pinned, pid: child.pid, call, close: () => child.kill('SIGTERM') });
    });
  });
}

/** The burst server (bench/burst-server.js): resolves with its port. */
export function startBurstServer() {
  return startChild('./burst-server.js', [], (child, ready) => {
    child.stdout.once('data', (data) => ready({ port: JSON.parse(String(data)).port }));
  });
}

/** The paced simulator in a child process: resolves with its URL and stats / sendTimes / reset calls. */
export function startSimulator(options) {
  return startChild('./sim-process.js', [JSON.stringify(options)], (child, ready) => {
    child.on('message', (msg) => {
      if (msg.type === 'ready') ready({ url: msg.url });
    });
  });
}
