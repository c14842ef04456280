// On-disk response cache keyed by a hash of (model, API, request body): interrupted evals resume, reruns are free.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job, JobOutcome } from '../engine/jobs.js';
import { sha256 } from './data.js';

/** What is kept of a successful response: enough to extract and score it again. */
export interface CachedResponse {
  text: string;
  reasoning: string;
  response: unknown;
  usage: JobOutcome['usage'];
}

export class ResponseCache {
  /**
   * @param dir folder for the entries (created on first write)
   * @param salt mixed into every key, e.g. the simulator's settings, so a changed test double is not served stale answers
   */
  constructor(
    readonly dir: string,
    private readonly salt = '',
  ) {}

  key(model: string, job: Job): string {
    return sha256(JSON.stringify({ model, api: job.api, stream: job.stream !== false, body: job.body, salt: this.salt }));
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  get(key: string): CachedResponse | null {
    try {
      return JSON.parse(readFileSync(this.path(key), 'utf8')) as CachedResponse;
    } catch {
      return null;
    }
  }

  /** Writes atomically (temp file + rename), so an interrupted write never leaves a half entry. */
  put(key: string, value: CachedResponse): void {
    const file = this.path(key);
    mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, file);
  }
}

/** A cache that never hits and never writes (--no-cache). */
export class NoCache extends ResponseCache {
  constructor() {
    super('');
  }
  override get(): CachedResponse | null {
    return null;
  }
  override put(): void {}
}
