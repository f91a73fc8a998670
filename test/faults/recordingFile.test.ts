import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Recorder } from '../../src/main/store/Recorder';
import { RecordingStore } from '../../src/main/store/RecordingStore';
import { pod as manifestPod } from '../../src/core/testing/manifests';
import { echoCluster, pod } from '../support/clusterObjects';
import { eventually, startTestCluster, type TestCluster } from '../support/liveCluster';
import { useScratchRecordingsDir } from '../support/recordingsDir';
import { tempDir } from '../support/tempDir';
import { faultSession, reportFigures } from './faultSession';

// The recording's file under a running recorder: the disk fills up in the middle of a keyframe,
// the file is deleted, the file is replaced. The live context comes from the API server DOUBLE.

const SOURCE = { context: 'faults', cluster: 'faults', server: 'https://127.0.0.1', namespaces: [] };

/** Opens a recording read-only and says what it holds, checking it is intact first. */
function readBack(path: string) {
  const store = RecordingStore.open(path, { readonly: true });
  try {
    const db = store.database;
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      events: count('SELECT COUNT(*) AS n FROM events'),
      keyframes: count('SELECT COUNT(*) AS n FROM keyframes'),
      orphanParts: count('SELECT COUNT(*) AS n FROM keyframe_parts WHERE keyframe_id NOT IN (SELECT id FROM keyframes)'),
      objects: [...store.stateAt(Number.MAX_SAFE_INTEGER).keys()],
    };
  } finally {
    store.close();
  }
}

describe('disk full in the middle of a keyframe', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('stops recording with a clear error; the events committed before the keyframe remain readable, and no half keyframe is left', () => {
    const path = join(dir.path, 'full.strata');
    const store = RecordingStore.open(path);
    let failure: string | undefined;
    const recorder = new Recorder(store, SOURCE, { keyframeEveryEvents: 2000, flushEveryMs: 3_600_000 }, (message) => (failure = message));
    recorder.start();
    const pods = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ type: 'added' as const, key: '', object: manifestPod(`ns-${(from + i) % 40}`, `p-${from + i}`, { ip: `10.9.${(from + i) >> 8}.${(from + i) & 255}` }) }));
    recorder.record(pods(0, 1999));
    expect(recorder.flush()).toBe(1999);
    // The disk fills up right after the 2,000th event is committed, as the keyframe it calls for is written.
    const append = store.append.bind(store);
    store.append = (changes) => {
      const lastId = append(changes);
      store.database.pragma(`max_page_count = ${store.database.pragma('page_count', { simple: true }) as number}`);
      return lastId;
    };
    recorder.record(pods(1999, 1));
    recorder.flush();

    expect(failure).toBe(`Recording to ${path} stopped: the disk is full. Everything recorded until now is kept; free space and start recording again.`);
    expect(recorder.active).toBe(false);
    recorder.record(pods(2000, 10));
    expect(recorder.flush()).toBe(2000);
    store.close();
    const kept = readBack(path);
    reportFigures('disk full mid-keyframe', { 'events committed': 2000, 'events readable': kept.events, 'objects at the end': kept.objects.length, keyframes: kept.keyframes, 'orphan keyframe parts': kept.orphanParts });
    // The 2,000th event went in; the keyframe after it did not, not even in part.
    expect(kept).toEqual({ integrity: 'ok', events: 2000, keyframes: 1, orphanParts: 0, objects: expect.any(Array) });
    expect(kept.objects).toHaveLength(2000);
  });
});

describe('the recording file deleted or replaced under a running recorder (API server double)', () => {
  let cluster: TestCluster;
  const recordings = useScratchRecordingsDir();
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster({ objects: echoCluster() });
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });
  afterAll(async () => {
    await cluster.close();
  });

  /** A live context recording to a fresh file, with a few changes committed. */
  async function recordSome(prefix: string) {
    const live = faultSession(cluster);
    await live.backend.start();
    stops.push(() => live.backend.stop());
    await eventually(() => live.status()?.sync === 'synced', 'the first sync');
    const { recording } = await live.backend.handlers['recording.start']({});
    const listed = recording!.events;
    for (let i = 0; i < 5; i++) cluster.api.apply(pod('wire-demo', `${prefix}-${i}`, { ip: `10.244.3.${i}` }));
    await eventually(() => (live.status()?.recording?.events ?? 0) >= listed + 5, 'the first changes to be committed');
    return { live, path: recording!.path };
  }

  /** What the app does once its file is gone: one error, a live view that goes on, a copy of the past. */
  async function afterTheFault(live: Awaited<ReturnType<typeof recordSome>>['live'], prefix: string) {
    cluster.api.apply(pod('wire-demo', `${prefix}-after`, { ip: '10.244.3.99' }));
    const error = await eventually(() => live.status()?.recording?.error, 'the recording error');
    const committed = live.status()!.recording!.events;
    // The app is up, and the live view still follows the cluster.
    cluster.api.apply(pod('wire-demo', `${prefix}-later`, { ip: '10.244.3.98' }));
    await eventually(() => live.versions().has(`Pod/wire-demo/${prefix}-later`), 'the live view to follow the cluster');
    expect((await live.backend.handlers['session.get']({})).sync).toBe('synced');
    const savedIn = /saved in (.+\.strata)\.$/.exec(error)?.[1];
    return { error, committed, savedIn };
  }

  it('deleted: recording stops with a clear error, and what was committed is saved beside it', async () => {
    const { live, path } = await recordSome('del');
    rmSync(path);
    const { error, committed, savedIn } = await afterTheFault(live, 'del');

    expect(error).toMatch(new RegExp(`^Recording to ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} stopped: the file was deleted while recording\\. What was recorded until then is saved in ${recordings.path()}/.+\\.recovered-.+\\.strata\\.$`));
    const saved = readBack(savedIn!);
    reportFigures('recording deleted', { 'events committed': committed, 'events in the saved copy': saved.events, 'objects in the saved copy': saved.objects.length });
    expect(saved.integrity).toBe('ok');
    expect(saved.events).toBe(committed);
    expect(saved.objects).toEqual(expect.arrayContaining(['Pod/wire-demo/del-0', 'Pod/wire-demo/del-4']));
    // Nothing of the old file lingers at its name, to be mistaken for part of a new one.
    expect([existsSync(path), existsSync(`${path}-wal`), existsSync(`${path}-shm`)]).toEqual([false, false, false]);
  });

  it('replaced: recording stops with a clear error, the new file is left intact, and what was committed is saved beside it', async () => {
    const { live, path } = await recordSome('rep');
    // Another recording, moved over ours (as `mv` or a file manager would).
    const otherPath = join(recordings.path(), 'other.strata');
    const other = RecordingStore.open(otherPath);
    const otherRecorder = new Recorder(other, { ...SOURCE, context: 'other' }, { flushEveryMs: 3_600_000 });
    otherRecorder.start();
    otherRecorder.record([{ type: 'added', key: '', object: manifestPod('elsewhere', 'theirs') }]);
    otherRecorder.stop();
    other.close();
    renameSync(otherPath, path);
    const { error, committed, savedIn } = await afterTheFault(live, 'rep');

    expect(error).toMatch(/stopped: the file was replaced by another file while recording; that file is left as it is\. What was recorded until then is saved in .+\.recovered-.+\.strata\.$/);
    const saved = readBack(savedIn!);
    const theirs = readBack(path);
    reportFigures('recording replaced', { 'events committed': committed, 'events in the saved copy': saved.events, 'events in the file moved in': theirs.events });
    expect(saved.integrity).toBe('ok');
    expect(saved.events).toBe(committed);
    expect(saved.objects).toEqual(expect.arrayContaining(['Pod/wire-demo/rep-0']));
    // The file moved in is not polluted by our write-ahead log.
    expect(theirs).toEqual({ integrity: 'ok', events: 1, keyframes: 1, orphanParts: 0, objects: ['Pod/elsewhere/theirs'] });
  });
});
