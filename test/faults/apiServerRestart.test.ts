import { afterEach, describe, expect, it } from 'vitest';
import { echoCluster, pod } from '../support/clusterObjects';
import { eventually, startTestCluster, type TestCluster } from '../support/liveCluster';
import { useScratchRecordingsDir } from '../support/recordingsDir';
import { differences, faultSession, reportFigures } from './faultSession';

// API server restarts, against the Kubernetes API server DOUBLE (test/doubles): the port refuses
// connections while it is down, every open connection breaks, and the objects survive (etcd).

const BULK = 3000;
const bulkPods = () => Array.from({ length: BULK }, (_, i) => pod('bulk', `bulk-${String(i).padStart(4, '0')}`, { app: 'bulk', ip: `10.250.${i >> 8}.${i & 255}` }));

describe('API server restarts (API server double)', () => {
  let cluster: TestCluster;
  const cleanups: (() => Promise<void>)[] = [];
  useScratchRecordingsDir();

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(objects: Record<string, unknown>[]) {
    cluster = await startTestCluster({ objects });
    cleanups.push(() => cluster.close());
    const live = faultSession(cluster);
    return live;
  }

  const sameAsServer = (live: ReturnType<typeof faultSession>) => differences(cluster.api.objectVersions(), live.versions()).length === 0;

  it('restarting during the initial paged list: the list starts over, and ends with the server\'s state', async () => {
    const live = await start([...echoCluster(), ...bulkPods()]);
    const podLists = () => cluster.api.requests.filter((r) => r.resource === 'pods' && r.verb === 'list');
    // The third page of the first pod list is where the server goes down.
    const removeRule = cluster.api.faults.add((request) => {
      if (request.resource !== 'pods' || request.verb !== 'list' || podLists().length !== 3) return undefined;
      void cluster.api.stop();
      return { kind: 'reset' };
    });
    await live.backend.start();
    cleanups.push(() => live.backend.stop());

    await eventually(() => !cluster.api.listening, 'the server to go down mid-list');
    removeRule();
    await eventually(() => live.status()?.sync === 'error' && /connection refused/.test(live.status()?.message ?? ''), 'the status to say the server cannot be reached').catch((e: Error) => {
      throw new Error(`${e.message}; statuses ${JSON.stringify(live.statuses.map((s) => [s.sync, s.message]))}`);
    });
    const downMessage = live.status()!.message!;
    cluster.api.apply(pod('bulk', 'created-while-down', { ip: '10.251.0.1' }));
    await cluster.api.resume();
    await eventually(() => live.status()?.sync === 'synced' && sameAsServer(live), 'the state after the restart', 30_000);

    const lists = podLists();
    const restartedAt = lists.findIndex((r, i) => i > 0 && !r.query.continue);
    reportFigures('restart during the initial list', { 'pods on the server': BULK + 4, 'pods shown': [...live.versions().keys()].filter((k) => k.startsWith('Pod/')).length, 'pages before the restart': 3, 'pod list requests in all': lists.length, 'statuses': live.syncSequence().join(' → ') });
    expect(downMessage).toMatch(/^Cannot reach 127\.0\.0\.1:\d+: connection refused; is the cluster up and is this the right context\? Retrying\.$/);
    // The interrupted list was not continued from a half-read page: it started again from the top.
    expect(restartedAt).toBe(3);
    expect(lists.slice(restartedAt + 1).every((r) => r.query.continue)).toBe(true);
    // Nothing was shown yet, so the outage is an error (with its reason), not a resync.
    expect(live.syncSequence()).toEqual(['connecting', 'error', 'synced']);
  });

  it('restarting while watching: resyncing, then synced, resumed from the resourceVersion without a re-list; the recording marks the gap', async () => {
    const live = await start(echoCluster());
    await live.backend.start();
    cleanups.push(() => live.backend.stop());
    await eventually(() => live.status()?.sync === 'synced', 'the first sync');
    await live.backend.handlers['recording.start']({});
    const listsBefore = cluster.api.requests.filter((r) => r.verb === 'list').length;
    const from = live.statuses.length - 1;
    const downAt = Date.now();

    await cluster.api.stop();
    // Writes go on through another API server replica while this one restarts.
    cluster.api.apply(pod('wire-demo', 'created-while-down', { ip: '10.244.0.50' }));
    cluster.api.delete('Pod', 'wire-demo', 'echo-5dd6d88bc9-2');
    await eventually(() => live.status()?.sync === 'resyncing' && /connection refused/.test(live.status()?.message ?? ''), 'the status to say it is resyncing, as the server refuses connections');
    const resyncMessage = live.status()!.message!;
    await cluster.api.resume();
    await eventually(() => live.status()?.sync === 'synced' && sameAsServer(live), 'the state after the restart', 30_000);

    const relists = cluster.api.requests.filter((r) => r.verb === 'list').length - listsBefore;
    const timeline = await live.backend.handlers['timeline.get']({});
    reportFigures('restart while watching', { 'statuses': live.syncSequence(from).join(' → '), 're-lists': relists, 'gaps recorded': timeline.gaps.length });
    expect(live.syncSequence(from)).toEqual(['synced', 'resyncing', 'synced']);
    expect(resyncMessage).toMatch(/connection refused.*Retrying; showing what was last seen\.$/);
    expect(relists).toBe(0);
    // The recording does not claim to know the cluster while it was not in sync.
    expect(timeline.gaps).toHaveLength(1);
    expect(timeline.gaps[0].start).toBeGreaterThanOrEqual(downAt);
    expect(timeline.gaps[0].end).toBeGreaterThan(timeline.gaps[0].start);
  });

  it('restarting with the watch history gone (a fresh watch cache): 410, a re-list, and the server\'s state', async () => {
    const live = await start(echoCluster());
    await live.backend.start();
    cleanups.push(() => live.backend.stop());
    await eventually(() => live.status()?.sync === 'synced', 'the first sync');
    const from = live.statuses.length - 1;
    const podListsBefore = cluster.api.requests.filter((r) => r.resource === 'pods' && r.verb === 'list').length;

    await cluster.api.stop();
    cluster.api.apply(pod('wire-demo', 'created-while-down', { ip: '10.244.0.50' }));
    cluster.api.compact();
    await eventually(() => live.status()?.sync === 'resyncing', 'the status to say it is resyncing');
    await cluster.api.resume();
    await eventually(() => live.status()?.sync === 'synced' && sameAsServer(live), 'the state after the restart', 30_000);

    const expired = cluster.api.requests.filter((r) => r.resource === 'pods' && r.watchError === 410).length;
    const podRelists = cluster.api.requests.filter((r) => r.resource === 'pods' && r.verb === 'list').length - podListsBefore;
    reportFigures('restart with the history gone', { 'statuses': live.syncSequence(from).join(' → '), '410s on pods': expired, 'pod re-lists': podRelists });
    expect(live.syncSequence(from)).toEqual(['synced', 'resyncing', 'synced']);
    expect(expired).toBe(1);
    expect(podRelists).toBe(1);
    expect(live.versions().has('Pod/wire-demo/created-while-down')).toBe(true);
  });
});
