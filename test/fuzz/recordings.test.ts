/**
 * Fuzz: recording and bundle files, as disks, copies and downloads damage them. Random bytes,
 * files cut short, bit flips inside the database's pages and a wrong `user_version` are opened
 * the way `serve --db`, `graph --db` and `bundle import` open them: each either reads or fails
 * with one sentence naming the file. Nothing else is thrown.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stripObject } from '../../src/core/kube/strip';
import { bundleImport } from '../../src/main/cli/bundleCommands';
import { loadState } from '../../src/main/cli/loadTopology';
import { RecordingSource } from '../../src/main/sources/RecordingSource';
import { Recorder } from '../../src/main/store/Recorder';
import { SCHEMA_VERSION } from '../../src/main/store/schema';
import { asRecordingError, RecordingStore } from '../../src/main/store/RecordingStore';
import { pod } from '../../src/core/testing/manifests';
import type { KubeObject, Pod } from '../../src/shared/kube';
import { idOf } from '../../src/shared/kube';
import { expectSentenceNaming, FUZZ, rawObjects } from './fuzzing';

const dir = mkdtempSync(join(tmpdir(), 'strata-fuzz-recordings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real recording: the demo cluster, an hour of pod churn in a few keyframes, and some flows. */
function makeRecording(): Buffer {
  const path = join(dir, 'good.strata');
  const store = RecordingStore.open(path);
  const t0 = Date.parse('2026-11-30T01:00:00Z');
  let now = t0;
  const recorder = new Recorder(store, { context: 'prod', cluster: 'prod', server: 'https://10.0.0.1', namespaces: [] }, { now: () => now, keyframeEveryEvents: 40 });
  recorder.start();
  const objects = rawObjects().map((r) => stripObject(r)).filter((o): o is KubeObject => !!o);
  recorder.record(objects.map((object) => ({ type: 'added', key: idOf(object), object })));
  const pods = Array.from({ length: 12 }, (_, i) => pod('shop', `web-${i}`, { ip: `10.0.1.${i + 1}`, labels: { app: 'web' } }) as Pod);
  recorder.record(pods.map((object) => ({ type: 'added', key: idOf(object), object })));
  for (let minute = 1; minute <= 60; minute++) {
    now = t0 + minute * 60_000;
    const before = pods[minute % pods.length];
    const changed: Pod = { ...before, metadata: { ...before.metadata, resourceVersion: String(minute) }, status: { ...before.status, ready: minute % 2 === 0 } };
    recorder.record([{ type: 'modified', key: idOf(before), object: changed }]);
    recorder.recordFlows([{ start: now - (now % 10_000), source: idOf(pods[0]), target: idOf(before), protocol: 'TCP', port: 8080, verdict: minute % 3 ? 'FORWARDED' : 'DROPPED', policies: [], count: minute, first: now, last: now }], []);
    recorder.flush();
  }
  recorder.stop();
  store.close();
  return readFileSync(path);
}

const good = makeRecording();
const PAGE = good.readUInt16BE(16) === 1 ? 65536 : good.readUInt16BE(16);

let cases = 0;
function fileWith(bytes: Uint8Array): string {
  const path = join(dir, `case-${(cases += 1)}.strata`);
  writeFileSync(path, bytes);
  return path;
}

/** Opens the file as serve --db and bundle import do; a failure must be a sentence naming it. */
async function open(path: string): Promise<void> {
  const loaded = await loadState(new RecordingSource(path)).then(() => undefined, (error: unknown) => error);
  if (loaded !== undefined) expectSentenceNaming(loaded, path);
  const out = new PassThrough();
  try {
    bundleImport(path, out);
  } catch (error) {
    expectSentenceNaming(error, path);
  }
}

const damaged = fc.oneof(
  fc.uint8Array({ maxLength: 3 * PAGE }),
  fc.nat(good.length).map((n) => good.subarray(0, n)),
  // Bit flips past the header: inside the b-tree pages, where a damaged disk or copy hits.
  fc.array(fc.tuple(fc.integer({ min: 100, max: good.length - 1 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips) => {
    const bytes = Buffer.from(good);
    for (const [at, bit] of flips) bytes[at] ^= 1 << bit;
    return bytes;
  }),
  // A whole page overwritten, as a torn write leaves it.
  fc.tuple(fc.nat(Math.floor(good.length / PAGE) - 1), fc.uint8Array({ minLength: 16, maxLength: 16 })).map(([page, noise]) => {
    const bytes = Buffer.from(good);
    for (let at = page * PAGE + (page === 0 ? 100 : 0); at < (page + 1) * PAGE; at++) bytes[at] = noise[at % 16];
    return bytes;
  }),
);

describe('recording and bundle files', () => {
  it('that are whole open', async () => {
    const path = fileWith(good);
    const { state } = await loadState(new RecordingSource(path));
    expect(state.objects.length).toBeGreaterThan(20);
  });

  it('with random bytes, cut short, bit-flipped or torn pages read or fail with a sentence naming the file', async () => {
    await fc.assert(fc.asyncProperty(damaged, async (bytes) => open(fileWith(bytes))), FUZZ);
  });

  it('with any user_version open, or are refused as from a newer Strata', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), async (version) => {
        const bytes = Buffer.from(good);
        bytes.writeInt32BE(version, 60);
        const path = fileWith(bytes);
        await open(path);
        const failure = await loadState(new RecordingSource(path)).then(() => undefined, (error: unknown) => error);
        if (version > SCHEMA_VERSION) expect((failure as Error).message).toMatch(/made by a newer version of Strata/);
      }),
      { ...FUZZ, numRuns: Math.max(20, Math.round(FUZZ.numRuns! / 4)) },
    );
  });

  it('that once leaked multi-line SQLite errors fail with a sentence (a torn schema page, a torn last page)', async () => {
    for (const page of [0, Math.floor(good.length / PAGE) - 1]) {
      const bytes = Buffer.from(good);
      bytes.fill(0x60, page * PAGE + (page === 0 ? 100 : 0) + 200, (page + 1) * PAGE - 200);
      await open(fileWith(bytes));
    }
  });

  it('whose pages SQLite accepts but whose contents do not decode are damaged, in a sentence (fuzz seed 1132261759, case 377)', () => {
    for (const decodeFailure of [new TypeError("Cannot read properties of undefined (reading 'name')"), new SyntaxError('Unexpected token'), new RangeError('Invalid array length')]) {
      expectSentenceNaming(asRecordingError('/tmp/x.strata', decodeFailure), '/tmp/x.strata');
      expect(asRecordingError('/tmp/x.strata', decodeFailure).message).toBe('/tmp/x.strata is damaged: what it holds cannot be decoded; use an undamaged copy.');
    }
  });

  it('whose schema text was changed (a bit flip in a column name) are damaged, in a sentence (fuzz seed -1366295958, case 187)', async () => {
    const bytes = Buffer.from(good);
    const at = bytes.indexOf('batch_index');
    expect(at).toBeGreaterThan(0);
    bytes[at + 1] ^= 2; // batch_index → bctch_index, in the CREATE TABLE text SQLite keeps
    const path = fileWith(bytes);
    await open(path);
    expect(() => RecordingStore.open(path)).toThrow(`${path} is damaged and cannot be read as a Strata recording (SQLITE_ERROR: table events has no column named batch_index); use an undamaged copy.`);
  });

  it('copied beside a running recorder read as a whole, or not at all', async () => {
    const path = join(dir, 'copy.strata');
    copyFileSync(join(dir, 'good.strata'), path);
    await open(path);
  });
});
