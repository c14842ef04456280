// result.json, written atomically (temp file + rename) so a reader never sees half a document.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultDocument } from '../metrics/schema.js';

export function writeResultJson(outDir: string, result: ResultDocument): string {
  const path = join(outDir, 'result.json');
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(result, null, 2) + '\n');
  renameSync(temp, path);
  return path;
}
