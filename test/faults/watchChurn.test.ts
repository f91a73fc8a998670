import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backoff } from '../../src/main/cluster/backoff';
import { RecordingStore } from '../../src/main/store/RecordingStore';
import { namespace, node, pod } from '../support/clusterObjects';
import { eventually, FAST, startTestCluster, type TestCluster } from '../support/liveCluster';
import { useScratchRecordingsDir } from '../support/recordingsDir';
import { accountChanges, type RecordedEvent, type RelistWindow } from './changeAccounting';
import { differences, faultSession, nextTurn, reportFigures, versionsOf } from './faultSession';

// Fault injection against the Kubernetes API server DOUBLE (test/doubles): the double keeps the
// truth (every write it made, every object's resourceVersion), and Strata is measured against it.

const CHANGES = Number(process.env.STRATA_FAULT_CHANGES ?? 10_000);
const DROPS = 100;
const EXPIRIES = 20;
const NAMESPACES = ['churn-a', 'churn-b', 'churn-c', 'churn-d', 'churn-e'];
const PODS_PER_NAMESPACE = 120;

/** A small deterministic PRNG, so that a failing run can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pods come, change readiness and address, and go, in a few namespaces. */
function churner(cluster: TestCluster, seed: number) {
  const random = prng(seed);
  const alive = new Set<string>();
  let serial = 0;
  return () => {
    const ns = NAMESPACES[Math.floor(random() * NAMESPACES.length)];
    const name = `p-${Math.floor(random() * PODS_PER_NAMESPACE)}`;
    const key = `${ns}/${name}`;
    serial++;
    if (alive.has(key) && random() < 0.3) {
      cluster.api.delete('Pod', ns, name);
      alive.delete(key);
      return;
    }
    cluster.api.apply(pod(ns, name, { app: name, ready: random() < 0.7, ip: `10.${100 + NAMESPACES.indexOf(ns)}.${serial >> 8 & 255}.${serial & 255}` }));
    alive.add(key);
  };
}

const TYPE_NAMES = ['added', 'modified', 'deleted'] as const;

function recordedEvents(path: string): RecordedEvent[] {
  const store = RecordingStore.open(path, { readonly: true });
  try {
    const rows = store.database.prepare('SELECT type, kind, namespace, name, rv FROM events ORDER BY id').all() as { type: number; kind: string; namespace: string; name: string; rv: string | null }[];
    return rows.map((row) => ({ type: TYPE_NAMES[row.type], kind: row.kind, namespace: row.namespace, name: row.name, rv: row.rv === null ? null : Number(row.rv) }));
  } finally {
    store.close();
  }
}

describe('watch faults during churn (API server double)', () => {
  let cluster: TestCluster;
  useScratchRecordingsDir();

  beforeAll(async () => {
    cluster = await startTestCluster({ objects: [node('node-1'), ...NAMESPACES.map(namespace)] });
  });
  afterAll(async () => {
    await cluster.close();
  });

  it(`loses no change of ${CHANGES} while the watch is dropped ${DROPS} times and expires (410) ${EXPIRIES} times: the live state and the recording match the server`, async () => {
    // Quick reconnects, so the run takes as long as the machine needs for the work, not for waiting.
    const live = faultSession(cluster, { watcher: { ...FAST.watcher, backoff: new Backoff(20, 100) } });
    await live.backend.start();
    try {
      await eventually(() => live.status()?.sync === 'synced', 'the first sync');
      const { recording } = await live.backend.handlers['recording.start']({});
      const log = cluster.api.logChanges();
      const change = churner(cluster, 13);
      const perRound = Math.ceil(CHANGES / DROPS);
      let made = 0;
      let brokenStreams = 0;
      for (let round = 0; round < DROPS; round++) {
        // Each fault hits an open pod watch, not one still reconnecting from the last.
        await eventually(() => cluster.api.openWatches('pods') === 1, `the pod watch to be open again (round ${round})`, 30_000);
        const expires = round % (DROPS / EXPIRIES) === DROPS / EXPIRIES - 1;
        const half = Math.floor(perRound / 2);
        // The first half streams out in small bursts while the watch is up.
        for (let i = 0; i < half && made < CHANGES; i++, made++) {
          change();
          if (i % 10 === 9) await nextTurn();
        }
        brokenStreams += cluster.api.dropWatches();
        // The second half happens while Strata reconnects; on an expiry round etcd then compacts
        // past it, so the watch's resourceVersion is gone and only a re-list can catch up.
        for (let i = half; i < perRound && made < CHANGES; i++, made++) change();
        if (expires) cluster.api.compact();
      }

      await eventually(() => differences(cluster.api.objectVersions(), live.versions()).length === 0 && live.status()?.sync === 'synced', 'the live state to equal the server\'s', 60_000).catch((error: Error) => {
        throw new Error(`${error.message}: ${differences(cluster.api.objectVersions(), live.versions()).join('; ')}`);
      });
      log.stop();
      await live.backend.handlers['recording.stop']({});

      const podRequests = cluster.api.requests.filter((r) => r.resource === 'pods');
      const windows: RelistWindow[] = [];
      podRequests.forEach((request, i) => {
        if (request.watchError !== 410) return;
        const relist = podRequests.slice(i + 1).find((r) => r.verb === 'list' && r.listResourceVersion !== undefined);
        windows.push({ resumedFrom: Number(request.query.resourceVersion), relistedAt: relist?.listResourceVersion ?? Infinity });
      });
      const events = recordedEvents(recording!.path);
      const account = accountChanges(log.changes, events.filter((e) => NAMESPACES.includes(e.namespace)), windows);
      const replayed = RecordingStore.open(recording!.path, { readonly: true });
      const recordedFinal = versionsOf(replayed.stateAt(Number.MAX_SAFE_INTEGER).values());
      replayed.close();
      reportFigures('watch churn', {
        'changes made': log.changes.length,
        'changes recorded': account.recorded,
        'superseded unseen during 410 re-lists': account.collapsed,
        'changes lost': account.lost.length,
        'recorded twice or out of order': account.unexpected.length,
        'watch streams broken': brokenStreams,
        'pod watch drops': DROPS,
        '410 Gone answered to pod watches': windows.length,
        'pod re-lists': podRequests.filter((r) => r.verb === 'list' && !r.query.continue).length - 1,
      });
      expect(log.changes).toHaveLength(CHANGES);
      expect(windows).toHaveLength(EXPIRIES);
      expect(account.lost).toEqual([]);
      expect(account.unexpected).toEqual([]);
      expect(account.recorded + account.collapsed).toBe(CHANGES);
      // The recording's last moment is the server's state, object for object and version for version.
      expect(differences(cluster.api.objectVersions(), recordedFinal)).toEqual([]);
    } finally {
      await live.backend.stop();
    }
  });
});
