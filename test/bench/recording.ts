import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { RecordedChange } from '../../src/core/history/objectState';
import { stripObject } from '../../src/core/kube/strip';
import { buildTopology } from '../../src/core/topology/buildTopology';
import { RecordingStore } from '../../src/main/store/RecordingStore';
import { Recorder } from '../../src/main/store/Recorder';
import type { KubeObject, Pod } from '../../src/shared/kube';
import { syntheticCluster } from './syntheticCluster';

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const SOURCE = { context: 'bench', cluster: 'bench', server: 'https://127.0.0.1:6443', namespaces: [] };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export { baseCluster };

/** A 10,000-pod cluster, stripped: 100 namespaces, 500 Services with their slices, 200 nodes. */
function baseCluster(): KubeObject[] {
  return [...syntheticCluster({ namespaces: 100, nodes: 200, services: 500, pods: 10_000 })].map((r) => stripObject(r)!).filter(Boolean);
}

/** The next change of a busy cluster: pods flip readiness (70%) or are replaced (30%). */
function churn(pods: Pod[], i: number, t: number): RecordedChange[] {
  const index = (i * 7919) % pods.length;
  const old = pods[index];
  if (i % 10 < 7) {
    const next: Pod = { ...old, metadata: { ...old.metadata, resourceVersion: String(1000 + i) }, status: { ...old.status, ready: !old.status.ready } };
    pods[index] = next;
    return [{ t, type: 'modified', object: next }];
  }
  const replacement: Pod = { ...old, metadata: { ...old.metadata, name: `${old.metadata.name.slice(0, -5)}${String(i % 100_000).padStart(5, '0')}`, uid: `pod-r${i}`, resourceVersion: String(1000 + i) } };
  pods[index] = replacement;
  return [{ t, type: 'deleted', object: old }, { t, type: 'added', object: replacement }];
}

/** Append: the store against a bare prepared insert of the same rows in one transaction. */
function benchAppend(dir: string, base: KubeObject[]): void {
  const pods = base.filter((o): o is Pod => o.kind === 'Pod');
  const changes: RecordedChange[] = [];
  for (let i = 0; changes.length < 200_000; i++) changes.push(...churn(pods, i, 1_000_000 + i));

  const store = RecordingStore.open(join(dir, 'append.strata'));
  store.beginSession(SOURCE, 0);
  const start = performance.now();
  for (let i = 0; i < changes.length; i += 5000) store.append(changes.slice(i, i + 5000));
  const storeRate = changes.length / ((performance.now() - start) / 1000);
  store.close();

  const bare = new Database(join(dir, 'bare.sqlite'));
  bare.pragma('journal_mode = WAL');
  bare.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, t INTEGER, type TEXT, kind TEXT, namespace TEXT, name TEXT, uid TEXT, rv TEXT, object TEXT)');
  const insert = bare.prepare('INSERT INTO events (t, type, kind, namespace, name, uid, rv, object) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const bareStart = performance.now();
  bare.transaction(() => {
    for (const c of changes) insert.run(c.t, c.type, c.object.kind, c.object.metadata.namespace ?? '', c.object.metadata.name, c.object.metadata.uid ?? null, c.object.metadata.resourceVersion ?? null, JSON.stringify(c.object));
  })();
  const bareRate = changes.length / ((performance.now() - bareStart) / 1000);
  bare.close();

  console.log(`  ${'append into the store'.padEnd(44)} ${Math.round(storeRate).toLocaleString('en')} events/s   (target ≥ 50,000)`);
  console.log(`  ${'bare better-sqlite3 insert, one transaction'.padEnd(44)} ${Math.round(bareRate).toLocaleString('en')} rows/s`);
  console.log(`  ${'ratio store / bare'.padEnd(44)} ${(storeRate / bareRate).toFixed(2)}   (target ≥ 0.5)`);
}

/** Seek and size over 24 h of a 10,000-pod cluster changing 20 times a second. */
export function benchSeek(dir: string, base: KubeObject[], keep = false): string {
  const path = join(dir, 'day.strata');
  const store = RecordingStore.open(path);
  const day = 24 * 3_600_000;
  const t0 = Date.parse('2026-11-22T00:00:00Z');
  let now = t0;
  const recorder = new Recorder(store, SOURCE, { now: () => now, flushEveryMs: 3_600_000 });
  recorder.start();
  recorder.record(base.map((object) => ({ type: 'added' as const, key: '', object })));
  const pods = base.filter((o): o is Pod => o.kind === 'Pod');
  const writeStart = performance.now();
  let events = base.length;
  for (let i = 0; now < t0 + day; i++) {
    now = t0 + i * 50;
    const changes = churn(pods, i, now);
    recorder.record(changes.map((c) => ({ type: c.type, key: '', object: c.object })));
    events += changes.length;
    if (i % 5000 === 0) recorder.flush();
  }
  recorder.stop();
  const writeSeconds = (performance.now() - writeStart) / 1000;
  store.database.pragma('wal_checkpoint(TRUNCATE)');
  console.log(`  ${'24 h history written'.padEnd(44)} ${events.toLocaleString('en')} events in ${writeSeconds.toFixed(1)} s`);
  console.log(`  ${'size on disk'.padEnd(44)} ${mib(store.bytes())}   (target ≤ 1024 MiB)`);
  store.close();

  const reader = RecordingStore.open(path, { readonly: true });
  const random = (() => {
    let s = 42;
    return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  })();
  const namespaceSeeks: number[] = [];
  const clusterSeeks: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t = t0 + Math.floor(random() * day);
    let start = performance.now();
    reader.stateAt(t, `ns-${i % 100}`);
    namespaceSeeks.push(performance.now() - start);
    start = performance.now();
    buildTopology({ objects: [...reader.stateAt(t).values()] });
    clusterSeeks.push(performance.now() - start);
  }
  // Scrubbing: the user drags the scrubber forward a minute at a time; each step is drawn. The
  // first position is reached before the clock starts: "sustains" is the rate once scrubbing.
  reader.stateAt(t0 + day / 2);
  const scrubStart = performance.now();
  let scrubs = 0;
  let seekMs = 0;
  for (let t = t0 + day / 2 + 60_000; performance.now() - scrubStart < 5000; t += 60_000, scrubs++) {
    const seekStart = performance.now();
    const state = reader.stateAt(t);
    seekMs += performance.now() - seekStart;
    buildTopology({ objects: [...state.values()] });
  }
  reader.close();
  console.log(`  ${'seek one namespace, p95'.padEnd(44)} ${percentile(namespaceSeeks, 95).toFixed(0)} ms   (target ≤ 300 ms)`);
  console.log(`  ${'seek the whole cluster topology, p95'.padEnd(44)} ${percentile(clusterSeeks, 95).toFixed(0)} ms   (target ≤ 1000 ms)`);
  console.log(`  ${'scrubbing, seek + whole-cluster topology'.padEnd(44)} ${(scrubs / ((performance.now() - scrubStart) / 1000)).toFixed(1)} seeks/s   (target ≥ 5; the seek alone ${(seekMs / scrubs).toFixed(0)} ms a step)`);
  return keep ? path : '';
}

export function benchRecording(): void {
  console.log('\nRecording: append, and seek over 24 h of a 10,000-pod cluster at 20 changes/s');
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
  try {
    const base = baseCluster();
    benchAppend(dir, base);
    benchSeek(dir, base);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
