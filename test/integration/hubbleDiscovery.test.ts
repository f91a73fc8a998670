import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubbleRelayDouble, relayFlow } from '../doubles/HubbleRelayDouble';
import { echoCluster, endpointSlice, pod, service } from '../support/clusterObjects';
import { eventually, liveBackend, startTestCluster, type TestCluster } from '../support/liveCluster';

// Hubble Relay found in the cluster and reached through pods/portforward: the Kubernetes API server
// DOUBLE forwards to the Hubble Relay DOUBLE, both on this machine.
describe('Hubble Relay discovered in kube-system and port-forwarded through the API server (doubles)', () => {
  let cluster: TestCluster;
  let relay: HubbleRelayDouble;

  beforeAll(async () => {
    relay = await HubbleRelayDouble.start();
    const relayPod = { ...pod('kube-system', 'hubble-relay-6f8c9d4b7-x2kq9', { app: 'hubble-relay', ip: '10.244.1.50' }) };
    const relaySlice = endpointSlice('kube-system', 'hubble-relay', [{ name: 'hubble-relay-6f8c9d4b7-x2kq9', ip: '10.244.1.50' }]);
    (relaySlice.ports as { port: number }[])[0].port = 4245;
    cluster = await startTestCluster({ objects: [...echoCluster(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }, relayPod, service('kube-system', 'hubble-relay'), relaySlice] });
    const [host, port] = relay.address.split(':');
    cluster.api.forwardPod('kube-system', 'hubble-relay-6f8c9d4b7-x2kq9', { host, port: Number(port) });
  });
  afterAll(async () => {
    await relay.close();
    await cluster.close();
  });

  it('finds hubble-relay, port-forwards to its pod, and draws the traffic it streams', async () => {
    const live = liveBackend(cluster.kubeconfig, 'alice', {}, { discoverHubble: true });
    await live.backend.start();
    try {
      await eventually(() => live.status()?.sync === 'synced' && relay.openStreams === 1, 'the port-forwarded flow stream');
      const forwards = cluster.api.requests.filter((r) => r.resource === 'pods/portforward');
      expect(forwards.map((r) => [r.verb, r.namespace, r.path, r.query.ports])).toContainEqual(['create', 'kube-system', '/api/v1/namespaces/kube-system/pods/hubble-relay-6f8c9d4b7-x2kq9/portforward', '4245']);
      relay.push(relayFlow(Date.now(), { ip: '10.244.0.11' }, { ip: '10.244.0.12' }));
      await eventually(() => live.topology().edges.some((e) => e.type === 'observed' && e.source === 'Pod/wire-demo/echo-5dd6d88bc9-1'), 'the observed edge');
      // Apart from the port-forward, still only reads.
      expect(cluster.api.requests.filter((r) => !['get', 'list', 'watch'].includes(r.verb) && r.resource !== 'pods/portforward')).toEqual([]);
    } finally {
      await live.backend.stop();
    }
  });
});
