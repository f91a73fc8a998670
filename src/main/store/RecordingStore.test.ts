import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedChange } from '../../core/history/objectState';
import type { KubeObject } from '../../shared/kube';
import { idOf } from '../../shared/kube';
import { pod } from '../../core/testing/manifests';
import { Recorder } from './Recorder';
import { RecordingError, RecordingStore, type SourceIdentity } from './RecordingStore';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';

const SOURCE: SourceIdentity = { context: 'prod', cluster: 'prod-eu', server: 'https://10.0.0.1:6443', namespaces: [] };
const dirs: string[] = [];
function tempFile(name = 'rec.strata'): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-store-'));
  dirs.push(dir);
  return join(dir, name);
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A small deterministic PRNG, so a failing sequence can be replayed from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Step {
  session: number;
  change: RecordedChange;
}

/** A random history: pods in three namespaces come, change readiness and go, over two sessions. */
function randomHistory(seed: number, length: number): Step[] {
  const random = prng(seed);
  const alive = new Map<string, KubeObject>();
  const steps: Step[] = [];
  let t = 1_000_000;
  for (let i = 0; i < length; i++) {
    t += Math.floor(random() * 50);
    const session = i < length / 2 ? 1 : 2;
    if (i === Math.floor(length / 2)) {
      alive.clear();
      t += 10_000;
    }
    const ns = `ns-${Math.floor(random() * 3)}`;
    const name = `p-${Math.floor(random() * 12)}`;
    const id = `Pod/${ns}/${name}`;
    const existing = alive.get(id);
    let change: RecordedChange;
    if (!existing) change = { t, type: 'added', object: pod(ns, name, { ip: `10.0.0.${i % 250}`, ready: random() < 0.5 }) };
    else if (random() < 0.3) change = { t, type: 'deleted', object: existing };
    else change = { t, type: 'modified', object: pod(ns, name, { ip: `10.0.0.${i % 250}`, ready: random() < 0.5 }) };
    if (change.type === 'deleted') alive.delete(id);
    else alive.set(id, change.object);
    steps.push({ session, change });
  }
  return steps;
}

/** The oracle: replay every step of the session that holds t, from nothing, up to t. */
function oracle(steps: readonly Step[], t: number, sessionStarts: readonly number[]): Map<string, string> {
  const session = sessionStarts.filter((s) => s <= t).length;
  const state = new Map<string, string>();
  for (const { session: s, change } of steps) {
    if (s !== session || change.t > t) continue;
    if (change.type === 'deleted') state.delete(idOf(change.object));
    else state.set(idOf(change.object), JSON.stringify(change.object));
  }
  return state;
}

const flat = (state: ReadonlyMap<string, KubeObject>) => new Map([...state].map(([id, o]) => [id, JSON.stringify(o)]));

/** Records `steps` through a Recorder with a controlled clock and small keyframe interval. */
function record(path: string, steps: readonly Step[]): number[] {
  const store = RecordingStore.open(path);
  let now = 0;
  const starts: number[] = [];
  let recorder: Recorder | undefined;
  for (const { session, change } of steps) {
    if (starts.length < session) {
      recorder?.stop();
      now = change.t - 1;
      starts.push(now);
      recorder = new Recorder(store, SOURCE, { keyframeEveryEvents: 7, flushEveryMs: 60_000, now: () => now });
      recorder.start();
    }
    now = change.t;
    recorder!.record([{ type: change.type, key: idOf(change.object), object: change.object }]);
    if (change.t % 3 === 0) recorder!.flush();
  }
  recorder!.stop();
  store.close();
  return starts;
}

describe('recording store: seek and diff against an oracle (property test)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: stateAt(t) equals replaying the events up to t', (seed) => {
    const path = tempFile();
    const steps = randomHistory(seed, 300);
    const starts = record(path, steps);
    const store = RecordingStore.open(path, { readonly: true });
    const random = prng(seed * 7919);
    const first = steps[0].change.t - 5;
    const last = steps.at(-1)!.change.t + 5;
    for (let i = 0; i < 40; i++) {
      const t = Math.floor(first + random() * (last - first));
      expect(flat(store.stateAt(t)), `seed ${seed}, t ${t}`).toEqual(oracle(steps, t, starts));
      // A namespace seek is the full state, filtered.
      const ns = `ns-${i % 3}`;
      expect([...store.stateAt(t, ns).keys()].sort()).toEqual([...oracle(steps, t, starts).keys()].filter((id) => id.startsWith(`Pod/${ns}/`)).sort());
    }
    store.close();
  });

  it.each([11, 12, 13])('seed %i: the difference between two moments matches the oracle', async (seed) => {
    const { diffStates } = await import('../../core/history/diffStates');
    const path = tempFile();
    const steps = randomHistory(seed, 200);
    const starts = record(path, steps);
    const store = RecordingStore.open(path, { readonly: true });
    const random = prng(seed);
    const first = steps[0].change.t;
    const last = steps.at(-1)!.change.t;
    for (let i = 0; i < 20; i++) {
      const [a, b] = [first + random() * (last - first), first + random() * (last - first)].map(Math.floor).sort((x, y) => x - y);
      const before = oracle(steps, a, starts);
      const after = oracle(steps, b, starts);
      const expected = [
        ...[...before.keys()].filter((id) => !after.has(id)).map((id) => `removed ${id}`),
        ...[...after.keys()].filter((id) => !before.has(id)).map((id) => `added ${id}`),
        ...[...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id)).map((id) => `changed ${id}`),
      ].sort();
      const actual = diffStates(store.stateAt(a), store.stateAt(b)).map((d) => `${d.change} ${d.id}`).sort();
      expect(actual, `seed ${seed}, ${a} → ${b}`).toEqual(expected);
    }
    store.close();
  });
});

describe('recording store files', () => {
  it('records gaps: the source out of sync, and the recorder stopped', () => {
    const path = tempFile();
    const store = RecordingStore.open(path);
    let now = 1000;
    const recorder = new Recorder(store, SOURCE, { now: () => now });
    recorder.start();
    now = 2000;
    recorder.sourceStatus('resyncing', 'Cannot reach 10.0.0.1:6443: connection refused.');
    now = 3000;
    recorder.sourceStatus('synced');
    recorder.stop();
    now = 9000;
    const second = new Recorder(store, SOURCE, { now: () => now });
    second.start();
    second.stop();
    expect(store.gaps()).toEqual([
      { start: 2000, end: 3000, reason: 'Cannot reach 10.0.0.1:6443: connection refused.' },
      { start: 3000, end: 9000, reason: 'recorder stopped' },
    ]);
    expect(store.info()).toMatchObject({ sources: [SOURCE], sessions: 2, span: { from: 1000, to: 9000 } });
    store.close();
  });

  it('ends its span at the newest flow when flows come after the last change', () => {
    const store = RecordingStore.open(tempFile());
    const recorder = new Recorder(store, SOURCE, { now: () => 1000 });
    recorder.start();
    recorder.stop();
    const bucket = { source: 'Pod/a/x', target: 'Pod/a/y', protocol: 'TCP', verdict: 'FORWARDED', policies: [], count: 1 };
    // Buckets of 10 s; the newest flow is not in the newest bucket's row that was written last.
    store.appendFlows([
      { ...bucket, start: 0, first: 500, last: 9_900 },
      { ...bucket, start: 10_000, first: 10_100, last: 19_800 },
      { ...bucket, start: 20_000, first: 20_000, last: 20_050 },
      { ...bucket, target: 'Pod/a/z', start: 10_000, first: 10_000, last: 19_990 },
    ]);
    expect(store.span()).toEqual({ from: 1000, to: 20_050 });
    store.appendFlows([{ ...bucket, target: 'Pod/a/z', start: 20_000, first: 20_000, last: 29_000 }]);
    expect(store.span()).toEqual({ from: 1000, to: 29_000 });
    store.close();
  });

  it('migrates a file from every earlier format version, keeping its data', () => {
    for (let from = 1; from < SCHEMA_VERSION; from++) {
      const path = tempFile(`v${from}.strata`);
      const db = new Database(path);
      for (let v = 0; v < from; v++) MIGRATIONS[v](db);
      db.pragma(`user_version = ${from}`);
      db.prepare("INSERT INTO meta (key, value) VALUES ('created-by', 'strata test')").run();
      db.close();
      const store = RecordingStore.open(path);
      expect(store.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(store.database.prepare("SELECT value FROM meta WHERE key = 'created-by'").get()).toEqual({ value: 'strata test' });
      const recorder = new Recorder(store, SOURCE, { now: () => 5 });
      recorder.start();
      recorder.record([{ type: 'added', key: 'x', object: pod('a', 'b') }]);
      recorder.stop();
      expect([...store.stateAt(10).keys()]).toEqual(['Pod/a/b']);
      store.close();
    }
  });

  it('refuses a file from a newer Strata, whole', () => {
    const path = tempFile();
    RecordingStore.open(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => RecordingStore.open(path)).toThrow(new RecordingError(`${path} was made by a newer version of Strata (recording format ${SCHEMA_VERSION + 1}; this Strata reads up to ${SCHEMA_VERSION}). Update Strata to open it.`));
  });

  it('refuses random bytes, a truncated file and a file missing tables, each with a clear error', () => {
    const random = tempFile('random.strata');
    writeFileSync(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    expect(() => RecordingStore.open(random)).toThrow(`${random} is not a Strata recording (it is not an SQLite database).`);

    const full = tempFile('full.strata');
    const store = RecordingStore.open(full);
    const recorder = new Recorder(store, SOURCE, { now: () => 1 });
    recorder.start();
    recorder.record(Array.from({ length: 2000 }, (_, i) => ({ type: 'added' as const, key: `k${i}`, object: pod('a', `p${i}`) })));
    recorder.stop();
    store.database.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    const truncated = tempFile('truncated.strata');
    writeFileSync(truncated, readFileSync(full).subarray(0, 6000));
    expect(() => RecordingStore.open(truncated, { readonly: true }).stateAt(2)).toThrow(RecordingError);
    expect(() => RecordingStore.open(truncated, { readonly: true }).stateAt(2)).toThrow(/is (damaged|not a complete Strata recording)/);

    const partial = tempFile('partial.strata');
    const db = new Database(partial);
    MIGRATIONS[0](db);
    db.exec('DROP TABLE keyframes');
    db.pragma('user_version = 1');
    db.close();
    expect(() => RecordingStore.open(partial)).toThrow(`${partial} is not a complete Strata recording: it has no keyframes table.`);
  });

  it('stops recording with a clear error when the disk is full, and keeps what was committed', () => {
    const path = tempFile();
    const store = RecordingStore.open(path);
    let failure: string | undefined;
    const recorder = new Recorder(store, SOURCE, { now: () => 1 }, (message) => (failure = message));
    recorder.start();
    recorder.record([{ type: 'added', key: 'k', object: pod('a', 'kept') }]);
    expect(recorder.flush()).toBe(1);
    // Simulate a full disk: SQLite may not grow the file any further.
    const pages = store.database.pragma('page_count', { simple: true }) as number;
    store.database.pragma(`max_page_count = ${pages}`);
    recorder.record(Array.from({ length: 3000 }, (_, i) => ({ type: 'added' as const, key: `k${i}`, object: pod('a', `lost-${i}`) })));
    recorder.flush();
    expect(failure).toBe(`Recording to ${path} stopped: the disk is full. Everything recorded until now is kept; free space and start recording again.`);
    expect(recorder.active).toBe(false);
    expect(recorder.stats()).toMatchObject({ committed: 1, error: failure });
    store.close();
    expect([...RecordingStore.open(path, { readonly: true }).stateAt(10).keys()]).toEqual(['Pod/a/kept']);
  });

  it('stops with a clear error when the file cannot be written, and the caller keeps running', () => {
    const path = tempFile();
    RecordingStore.open(path).close();
    const readonly = RecordingStore.open(path, { readonly: true });
    let failure: string | undefined;
    const recorder = new Recorder(readonly, SOURCE, { now: () => 1 }, (message) => (failure = message));
    expect(() => recorder.start()).not.toThrow();
    expect(failure).toMatch(new RegExp(`^Recording to ${path} stopped: the file cannot be written \\(SQLITE_READONLY\\)\\. Everything recorded until now is kept\\.$`));
    expect(recorder.active).toBe(false);
    readonly.close();
  });

  it('keeps a recording within a size by dropping its oldest history', () => {
    const path = tempFile();
    const store = RecordingStore.open(path);
    let now = 0;
    const recorder = new Recorder(store, SOURCE, { keyframeEveryEvents: 500, now: () => now });
    recorder.start();
    for (let i = 0; i < 6000; i++) {
      now = i * 1000;
      recorder.record([{ type: 'added', key: `k${i}`, object: pod(`ns-${i % 7}`, `p${i}`, { ip: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` }) }]);
      if (i % 100 === 99) recorder.flush();
    }
    recorder.flush();
    store.database.pragma('wal_checkpoint(TRUNCATE)');
    const before = store.bytes();
    const last = flat(store.stateAt(now));
    store.retain({ maxBytes: before / 2 }, now);
    expect(store.bytes()).toBeLessThanOrEqual(before / 2);
    expect(store.span()!.from).toBeGreaterThan(0);
    // The latest moments are untouched.
    expect(flat(store.stateAt(now))).toEqual(last);
    recorder.stop();
    store.close();
  });

  it('keeps history within an age, never losing the ability to replay what remains', () => {
    const path = tempFile();
    const store = RecordingStore.open(path);
    let now = 0;
    const recorder = new Recorder(store, SOURCE, { keyframeEveryEvents: 10, now: () => now });
    recorder.start();
    for (let i = 0; i < 100; i++) {
      now = i * 1000;
      recorder.record([{ type: i % 10 === 9 ? 'modified' : 'added', key: `k${i}`, object: pod('a', `p${i % 50}`, { ready: i % 2 === 0 }) }]);
      recorder.flush();
    }
    const before = flat(store.stateAt(99_000));
    const dropped = store.retain({ maxAgeMs: 40_000 }, 100_000);
    expect(dropped).toBeGreaterThan(40);
    expect(store.span()!.from).toBeGreaterThanOrEqual(60_000 - 10_000);
    expect(flat(store.stateAt(99_000))).toEqual(before);
    recorder.stop();
    store.close();
  });
});
