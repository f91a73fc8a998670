/** Shared by the flow benchmarks: a 10,000-pod state and flows between its pods, as Hubble sends them. */
import { stripObject } from '../../src/core/kube/strip';
import type { KubeObject, Pod } from '../../src/shared/kube';
import { timestamp } from '../doubles/HubbleRelayDouble';
import { syntheticCluster } from './syntheticCluster';

export function benchState(): KubeObject[] {
  return [...syntheticCluster({ namespaces: 100, nodes: 200, services: 500, pods: 10_000 })].map((r) => stripObject(r)!).filter(Boolean);
}

/** The i-th flow of a busy cluster, as a GetFlowsResponse with proto field names. */
export function benchFlowResponse(pods: readonly Pod[], i: number, t: number): Record<string, unknown> {
  const source = pods[(i * 7) % pods.length];
  const destination = pods[(i * 13 + 1) % pods.length];
  const dropped = i % 20 === 0;
  return {
    flow: {
      time: timestamp(t),
      uuid: `f-${i}`,
      verdict: dropped ? 'DROPPED' : 'FORWARDED',
      IP: { source: source.status.podIPs[0], destination: destination.status.podIPs[0], ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 30000 + (i % 30000), destination_port: 8080, flags: { SYN: true } } },
      source: { ID: 100 + (i % 50), identity: 40000 + (i % 500), namespace: source.metadata.namespace, labels: [`k8s:app=${source.metadata.labels?.app}`], pod_name: source.metadata.name },
      destination: { ID: 200 + (i % 50), identity: 41000 + (i % 500), namespace: destination.metadata.namespace, labels: [`k8s:app=${destination.metadata.labels?.app}`], pod_name: destination.metadata.name },
      Type: 'L3_L4',
      node_name: 'bench/node-1',
      is_reply: { value: false },
      traffic_direction: 'INGRESS',
      ...(dropped ? { drop_reason_desc: 'POLICY_DENIED', ingress_denied_by: [{ name: 'default-deny', namespace: destination.metadata.namespace }] } : {}),
    },
    node_name: 'bench/node-1',
    time: timestamp(t),
  };
}
