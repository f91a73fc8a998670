import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingStore } from '../../src/main/store/RecordingStore';

const dir = mkdtempSync(join(tmpdir(), 'strata-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const child = fileURLToPath(new URL('../support/recordAtFullSpeed.ts', import.meta.url));

/** Runs the full-speed recorder until it has committed a few batches, then SIGKILLs it. */
async function recordAndKill(path: string, killAfterCommits: number): Promise<{ committed: number; lastId: number }> {
  const recorder = spawn(process.execPath, ['--import', 'tsx', child, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  let last = { committed: 0, lastId: 0 };
  let commits = 0;
  await new Promise<void>((resolve) => {
    createInterface({ input: recorder.stdout! }).on('line', (line) => {
      const [, committed, lastId] = line.split(' ');
      last = { committed: Number(committed), lastId: Number(lastId) };
      if (++commits === killAfterCommits) recorder.kill('SIGKILL');
    });
    recorder.on('close', () => resolve());
  });
  return last;
}

describe('crash safety', () => {
  it('survives 20 SIGKILLs of a recorder writing at full speed: the file opens, is intact, and holds every committed event', async () => {
    const path = join(dir, 'crash.strata');
    let expectedEvents = 0;
    for (let round = 0; round < 20; round++) {
      const { committed, lastId } = await recordAndKill(path, 2 + (round % 5));
      expect(committed).toBeGreaterThan(0);
      const store = RecordingStore.open(path);
      expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
      const { n, maxId } = store.database.prepare('SELECT COUNT(*) AS n, MAX(id) AS maxId FROM events').get() as { n: number; maxId: number };
      // Everything reported committed is there (and a batch committed after the last report may be too).
      expect(maxId).toBeGreaterThanOrEqual(lastId);
      expect(n).toBeGreaterThanOrEqual(expectedEvents + committed);
      expectedEvents = n;
      expect(store.stateAt(Date.now()).size).toBeGreaterThan(0);
      store.close();
    }
  }, 120_000);
});
