import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A scratch folder of files for one test; `remove()` deletes it. */
export function tempDir(files: Record<string, string> = {}): { path: string; write(name: string, text: string): void; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'strata-test-'));
  const write = (name: string, text: string) => {
    mkdirSync(dirname(join(path, name)), { recursive: true });
    writeFileSync(join(path, name), text);
  };
  for (const [name, text] of Object.entries(files)) write(name, text);
  return { path, write, remove: () => rmSync(path, { recursive: true, force: true }) };
}
