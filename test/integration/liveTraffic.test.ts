import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backoff } from '../../src/main/cluster/backoff';
import { HubbleRelaySource } from '../../src/main/flows/HubbleRelaySource';
import { HubbleRelayDouble, relayFlow, timestamp } from '../doubles/HubbleRelayDouble';
import { echoCluster } from '../support/clusterObjects';
import { eventually, liveBackend, startTestCluster, type TestCluster } from '../support/liveCluster';
import { useScratchRecordingsDir } from '../support/recordingsDir';

// A live context with observed traffic: the Kubernetes API server DOUBLE and the Hubble Relay DOUBLE.
describe('live traffic from Hubble Relay on a live context (both doubles)', () => {
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

  it('draws observed traffic between the pods, says when events were lost, and records it', async () => {
    const flows = new HubbleRelaySource({ address: relay.address, backoff: new Backoff(50, 200), flushMs: 20, since: new Date(Date.now() - 1000) });
    const live = liveBackend(cluster.kubeconfig, 'alice', {}, { flows });
    await live.backend.start();
    try {
      await eventually(() => live.status()?.sync === 'synced' && relay.openStreams === 1, 'sync and the flow stream');
      await live.backend.handlers['recording.start']({});
      const now = Date.now();
      relay.push(
        relayFlow(now, { ip: '10.244.0.11' }, { ip: '10.244.0.12' }, { destination_service: { name: 'echo', namespace: 'wire-demo' } }),
        relayFlow(now + 1, { ip: '10.244.0.11' }, { ip: '10.244.0.13' }, { verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED', ingress_denied_by: [{ name: 'allow-from-ingress', namespace: 'wire-demo' }] }),
        { lost_events: { source: 'OBSERVER_EVENTS_QUEUE', num_events_lost: '17' }, time: timestamp(now) },
      );
      const observed = () => live.topology().edges.filter((e) => e.type === 'observed');
      await eventually(() => observed().length === 2, 'two observed edges');
      expect(observed().map((e) => [e.source, e.target, e.observed!.verdict, e.observed!.services, e.observed!.policies])).toEqual([
        ['Pod/wire-demo/echo-5dd6d88bc9-1', 'Pod/wire-demo/echo-5dd6d88bc9-2', 'FORWARDED', ['Service/wire-demo/echo'], []],
        ['Pod/wire-demo/echo-5dd6d88bc9-1', 'Pod/wire-demo/echo-5dd6d88bc9-3', 'DROPPED', [], ['wire-demo/allow-from-ingress']],
      ]);
      expect(live.status()!.notices.map((n) => n.message)).toContain('Hubble lost 17 events (OBSERVER_EVENTS_QUEUE): the traffic shown is incomplete.');

      // Recorded with the rest: replaying the moment shows the same traffic.
      await eventually(async () => ((await live.backend.handlers['timeline.get']({})).span?.to ?? 0) >= now, 'the recording to pass the flows');
      await live.backend.handlers['replay.seek']({ t: Date.now() });
      expect(observed().map((e) => e.observed!.verdict).sort()).toEqual(['DROPPED', 'FORWARDED']);
      await live.backend.handlers['replay.live']({});
    } finally {
      await live.backend.stop();
    }
  });
});
