import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../../shared/kube';
import { buildTopology } from '../topology/buildTopology';
import { deployment, kube, node, service } from '../testing/manifests';
import { synthesizeOfflineState } from './synthesizeOfflineState';

function workload(kind: string, name: string, labels: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject {
  return kube({
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: 'shop' },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, ports: [{ name: 'http', containerPort: 8080 }] }] } }, ...extra },
  });
}

const pods = (objects: readonly KubeObject[]) => objects.filter((o): o is Pod => o.kind === 'Pod');

describe('synthesizeOfflineState', () => {
  it('makes one representative, synthesised pod per Deployment, StatefulSet and DaemonSet, named as their controllers would', () => {
    const state = synthesizeOfflineState([
      kube(deployment('shop', 'web', { app: 'web' })),
      workload('StatefulSet', 'db', { app: 'db' }, { replicas: 3, serviceName: 'db' }),
      workload('DaemonSet', 'agent', { app: 'agent' }),
    ]);
    const made = pods(state.objects);
    expect(made).toHaveLength(3);
    expect(made.every((p) => p.synthesized)).toBe(true);
    const names = made.map((p) => p.metadata.name);
    expect(names).toContain('db-0');
    expect(names.find((n) => n.startsWith('web-'))).toMatch(/^web-[b-z2-9]{10}-[b-z2-9]{5}$/);
    expect(names.find((n) => n.startsWith('agent-'))).toMatch(/^agent-[b-z2-9]{5}$/);

    // Pod → ReplicaSet → Deployment, so the topology groups the pod under its Deployment.
    const topology = buildTopology(state);
    const webPod = topology.nodes.find((n) => n.kind === 'Pod' && n.name.startsWith('web-'))!;
    expect(webPod).toMatchObject({ workload: 'Deployment/shop/web', synthesized: true });
    expect(topology.nodes.find((n) => n.id === 'StatefulSet/shop/db')).toMatchObject({ kind: 'Workload', facts: { replicas: 3, pods: 1 } });
    expect(topology.nodes.find((n) => n.id === 'DaemonSet/shop/agent')).toBeDefined();
  });

  it('derives EndpointSlices from Service selectors, as the EndpointSlice controller would', () => {
    const state = synthesizeOfflineState([
      kube(deployment('shop', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8080 }])),
      service('shop', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }),
      service('shop', 'typo', { selector: { app: 'wbe' }, ports: [{ port: 80 }] }),
    ]);
    const slices = state.objects.filter((o) => o.kind === 'EndpointSlice');
    expect(slices.map((s) => s.metadata.labels?.['kubernetes.io/service-name']).sort()).toEqual(['typo', 'web']);
    const topology = buildTopology(state);
    const endpoint = topology.edges.find((e) => e.type === 'slice-endpoint')!;
    expect(endpoint.ports).toEqual([{ port: 80, name: 'http', protocol: 'TCP', targetPort: 'http', containerPort: 8080 }]);
    expect(topology.nodes.find((n) => n.id === 'Service/shop/typo')!.problems).toEqual(['Selector app=wbe matches no pods in namespace shop']);
  });

  it('keeps hand-made EndpointSlices instead of deriving new ones', () => {
    const state = synthesizeOfflineState([
      service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] }),
      kube({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-manual', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } }, endpoints: [] }),
    ]);
    expect(state.objects.filter((o) => o.kind === 'EndpointSlice').map((s) => s.metadata.name)).toEqual(['web-manual']);
  });

  it('adds referenced namespaces, with the kubernetes.io/metadata.name label, and puts namespace-less objects in default', () => {
    const state = synthesizeOfflineState([
      kube({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'checkout' } } }),
      kube({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { ports: [] } }),
      service('payments', 'b', { ports: [] }),
    ]);
    const namespaces = state.objects.filter((o) => o.kind === 'Namespace');
    expect(namespaces.map((n) => [n.metadata.name, n.metadata.labels, n.synthesized ?? false])).toEqual([
      ['default', { 'kubernetes.io/metadata.name': 'default' }, true],
      ['payments', { 'kubernetes.io/metadata.name': 'payments' }, true],
      ['shop', { team: 'checkout', 'kubernetes.io/metadata.name': 'shop' }, false],
    ]);
    expect(state.objects.find((o) => o.kind === 'Service' && o.metadata.name === 'a')!.metadata.namespace).toBe('default');
  });

  it('places pods on Nodes with IPs from their podCIDR when given a placement', () => {
    const state = synthesizeOfflineState([node('n1'), kube(deployment('shop', 'web', { app: 'web' }))], {
      'Deployment/shop/web': [{ node: 'n1' }, { node: 'n1', ready: false }, { node: 'n1', terminating: true }],
    });
    const made = pods(state.objects);
    expect(made.map((p) => [p.spec.nodeName, p.status.podIPs[0], p.status.ready, !!p.metadata.deletionTimestamp])).toEqual([
      ['n1', '10.244.0.10', true, false],
      ['n1', '10.244.0.11', false, false],
      ['n1', '10.244.0.12', true, true],
    ]);
    expect(made.every((p) => p.synthesized)).toBe(true);
  });
});
