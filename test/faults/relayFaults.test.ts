import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backoff } from '../../src/main/cluster/backoff';
import type { FlowSource, FlowSourceStatus } from '../../src/main/flows/FlowSource';
import { HubbleRelaySource } from '../../src/main/flows/HubbleRelaySource';
import { RecordingStore } from '../../src/main/store/RecordingStore';
import type { FlowNotice, FlowRecord } from '../../src/shared/flows';
import { HubbleRelayDouble, relayFlow } from '../doubles/HubbleRelayDouble';
import { echoCluster } from '../support/clusterObjects';
import { eventually, startTestCluster, type TestCluster } from '../support/liveCluster';
import { useScratchRecordingsDir } from '../support/recordingsDir';
import { faultSession, reportFigures } from './faultSession';

// Hubble Relay restarts and stalls, against the Hubble Relay DOUBLE (real gRPC) beside the
// Kubernetes API server DOUBLE; every flow has a uuid, so "counted once" can be checked per flow.

const GAP = /^No flows from (\S+) to (\S+): the Hubble Relay stream (was lost|stalled)\.$/;

describe('Hubble Relay restart and stall (both doubles)', () => {
  let cluster: TestCluster;
  let relay: HubbleRelayDouble;
  useScratchRecordingsDir();

  beforeAll(async () => {
    cluster = await startTestCluster({ objects: echoCluster() });
    relay = await HubbleRelayDouble.start();
  });
  afterAll(async () => {
    await relay.close();
    await cluster.close();
  });

  it('resumes after a restart, a stalled stream and a Relay that hangs whole: every flow counted once, each gap a notice with its time range, all recorded', async () => {
    const base = Date.now();
    let made = 0;
    /** Flows between two echo pods; every 7th comes 300 ms late, out of order, as merged node streams can. */
    const flows = (n: number) =>
      Array.from({ length: n }, () => {
        const i = made++;
        return relayFlow(base + i - (i % 7 === 6 ? 300 : 0), { ip: '10.244.0.11' }, { ip: '10.244.0.12' }, { uuid: `flow-${i}` });
      });

    // The Relay source, with the flows and notices it hands on seen on their way to the app.
    const handedOn: FlowRecord[] = [];
    const notices: FlowNotice[] = [];
    const statuses: FlowSourceStatus[] = [];
    const relaySource = new HubbleRelaySource({ address: relay.address, since: new Date(base - 1000), backoff: new Backoff(50, 200), flushMs: 20, stallCheckMs: 500, resumeOverlapMs: 1000 });
    const observed: FlowSource = {
      label: relaySource.label,
      start: (listener) =>
        relaySource.start({
          flows: (batch) => (handedOn.push(...batch), listener.flows(batch)),
          notice: (notice) => (notices.push(notice), listener.notice(notice)),
          status: (status) => (statuses.push(status), listener.status(status)),
        }),
      stop: () => relaySource.stop(),
    };
    const live = faultSession(cluster, {}, { flows: observed });
    await live.backend.start();
    try {
      await eventually(() => live.status()?.sync === 'synced' && relay.openStreams === 1, 'sync and the flow stream');
      const { recording } = await live.backend.handlers['recording.start']({});
      const delivered = (n: number, what: string) => eventually(() => handedOn.length >= n, `${what} (${handedOn.length} of ${n} flows)`, 30_000).catch((e: Error) => {
        throw new Error(`${e.message} ${JSON.stringify(statuses)} ${JSON.stringify(relay.requests)} streams ${relay.openStreams}`);
      });

      relay.push(...flows(300));
      await delivered(300, 'the first flows');

      // Restart: the stream breaks, the port refuses, the nodes go on seeing flows.
      await relay.restart(async () => {
        relay.record(...flows(100));
        await eventually(() => /ECONNREFUSED/.test(statuses.at(-1)?.message ?? ''), 'the source to find the port refusing');
      });
      await eventually(() => relay.openStreams === 1, 'the stream to be open again', 30_000);
      relay.push(...flows(100));
      await delivered(500, 'the flows of the restart');

      // A stalled stream: open, silent, while Relay counts the flows it sees (in two bursts a
      // status check apart, as traffic goes on in a cluster: the resumed stream's replay can hide the first).
      relay.stallStreams();
      relay.push(...flows(100));
      const calls = relay.statusCalls;
      await eventually(() => relay.statusCalls >= calls + 2, 'two status checks');
      relay.push(...flows(100));
      await delivered(700, 'the flows of the stall');

      // Relay hangs whole: the stream and ServerStatus both.
      relay.stallStreams();
      relay.freeze();
      relay.push(...flows(100));
      await eventually(() => statuses.at(-1)?.message?.includes('Relay stopped answering'), 'the source to say Relay stopped answering');
      relay.thaw();
      await delivered(800, 'the flows of the hang');

      const uuids = handedOn.map((f) => f.uuid);
      const gapNotices = notices.filter((n) => n.kind === 'connection');
      const gaps = gapNotices.map((n) => GAP.exec(n.message));
      // Recorded with the rest: the recording's buckets add up to every flow, once.
      const store = RecordingStore.open(recording!.path, { readonly: true });
      const recordedCount = () => store.flowBuckets(0, Number.MAX_SAFE_INTEGER).reduce((sum, b) => sum + b.count, 0);
      await eventually(() => recordedCount() >= made, 'the flows to be recorded', 30_000);
      const recordedGaps = store.flowNotices(0, Number.MAX_SAFE_INTEGER).filter((n) => n.kind === 'connection');
      const recorded = recordedCount();
      store.close();
      reportFigures('relay restart and stall', { 'flows made': made, 'flows handed on': handedOn.length, 'distinct flows handed on': new Set(uuids).size, 'flows recorded': recorded, 'gap notices': gaps.map((g) => g?.[3]).join(' / '), 'GetFlows streams opened': relay.requests.length });

      expect(handedOn).toHaveLength(made);
      expect(new Set(uuids).size).toBe(made);
      expect(recorded).toBe(made);
      // Each interruption is one notice with its time range (a machine busy enough to hold up the
      // stream for two stall checks may add one more; that resume repeats nothing either).
      expect(gaps.every(Boolean)).toBe(true);
      expect(gaps.filter((g) => g![3] === 'was lost').length).toBeGreaterThanOrEqual(1);
      expect(gaps.filter((g) => g![3] === 'stalled').length).toBeGreaterThanOrEqual(2);
      gaps.forEach((gap, i) => {
        expect(Date.parse(gap![1])).toBeLessThanOrEqual(Date.parse(gap![2]));
        expect(Date.parse(gap![2])).toBeLessThanOrEqual(gapNotices[i].t);
      });
      expect(recordedGaps.map((n) => n.message)).toEqual(gapNotices.map((n) => n.message));
      expect(statuses.some((s) => s.state === 'reconnecting' && /the flow stream stalled: Relay saw \d+ new flows, none arrived in 1 s/.test(s.message ?? ''))).toBe(true);
    } finally {
      await live.backend.stop();
    }
  });

  it('resumes after a drop that came just after an out-of-order flow without handing on any flow twice', async () => {
    const t0 = Date.now();
    const ids = ['in-order-1', 'in-order-2', 'late'];
    relay.record(...[0, 1, -300].map((offset, i) => relayFlow(t0 + 1000 + offset, { ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { uuid: ids[i] })));
    const handedOn: FlowRecord[] = [];
    const source = new HubbleRelaySource({ address: relay.address, since: new Date(t0), backoff: new Backoff(50, 200), flushMs: 20 });
    await source.start({ flows: (batch) => handedOn.push(...batch), notice: () => {}, status: () => {} });
    try {
      await eventually(() => handedOn.length === 3, 'the three flows');
      const streams = relay.requests.length;
      relay.dropStreams();
      relay.push(relayFlow(t0 + 2000, { ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { uuid: 'after' }));
      await eventually(() => handedOn.some((f) => f.uuid === 'after'), 'the flow after the drop');
      await eventually(() => relay.requests.length > streams, 'the resumed stream');
      // Resumed from the newest flow's time, not from the last (late) one's: nothing is replayed twice.
      expect(relay.requests.at(-1)!.since).toBe(t0 + 1001);
      expect(handedOn.map((f) => f.uuid)).toEqual([...ids, 'after']);
    } finally {
      await source.stop();
    }
  });
});
