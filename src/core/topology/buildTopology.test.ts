import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube';
import type { Topology } from '../../shared/model';
import { synthesizeOfflineState } from '../offline/synthesizeOfflineState';
import { kube, node, pod, service } from '../testing/manifests';
import { buildTopology } from './buildTopology';

const build = (...objects: KubeObject[]): Topology => buildTopology({ objects });
const edgesOf = (t: Topology, type: string) => t.edges.filter((e) => e.type === type);
const nodeById = (t: Topology, id: string) => {
  const found = t.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id} in ${t.nodes.map((n) => n.id).join(', ')}`);
  return found;
};

function slice(namespace: string, name: string, serviceName: string | undefined, body: Record<string, unknown>): KubeObject {
  return kube({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: serviceName ? { 'kubernetes.io/service-name': serviceName } : {} },
    addressType: 'IPv4',
    ...body,
  });
}

describe('buildTopology', () => {
  it('marks a pod that runs a mesh proxy beside its containers with the mesh, for its badge', () => {
    const meshed = kube({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop' }, spec: { containers: [{ name: 'web' }, { name: 'istio-proxy' }] }, status: {} });
    const native = kube({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api-1', namespace: 'shop' }, spec: { containers: [{ name: 'api' }], initContainers: [{ name: 'linkerd-proxy', restartPolicy: 'Always' }] }, status: {} });
    const topology = buildTopology({ objects: [meshed, native, pod('shop', 'plain')] });
    const fact = (id: string) => topology.nodes.find((n) => n.id === id)?.facts.sidecar;
    expect([fact('Pod/shop/web-1'), fact('Pod/shop/api-1'), fact('Pod/shop/plain')]).toEqual(['Istio', 'Linkerd', undefined]);
  });

  it('names nodes Kind/namespace/name, and Kind/name when cluster-scoped', () => {
    const t = build(node('n1'), pod('shop', 'web-1', { node: 'n1' }));
    expect(t.nodes.map((n) => n.id)).toEqual(['Namespace/shop', 'Node/n1', 'Pod/shop/web-1']);
    expect(edgesOf(t, 'pod-node')).toMatchObject([{ source: 'Pod/shop/web-1', target: 'Node/n1', problems: [] }]);
  });

  it('is deterministic: the same objects in another order give the same topology', () => {
    const objects = [node('n1'), pod('shop', 'b', { node: 'n1' }), pod('shop', 'a', { node: 'n1' }), service('shop', 's', { selector: { app: 'x' } })];
    expect(build(...objects)).toEqual(build(...[...objects].reverse()));
  });

  it('resolves a named targetPort per pod, so two pods behind one Service carry different container ports', () => {
    const svc = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] });
    const oldPod = pod('shop', 'cart-old', { labels: { app: 'cart' }, ip: '10.244.0.5', ports: [{ name: 'http', containerPort: 8080 }] });
    const newPod = pod('shop', 'cart-new', { labels: { app: 'cart' }, ip: '10.244.0.6', ports: [{ name: 'http', containerPort: 9090 }] });
    const t = buildTopology(synthesizeOfflineState([svc, oldPod, newPod]));

    // One slice per port mapping, as the EndpointSlice controller makes.
    expect(t.nodes.filter((n) => n.kind === 'EndpointSlice')).toHaveLength(2);
    const byPod = Object.fromEntries(edgesOf(t, 'slice-endpoint').map((e) => [e.target, e.ports]));
    expect(byPod['Pod/shop/cart-old']).toEqual([{ port: 80, name: 'web', protocol: 'TCP', targetPort: 'http', containerPort: 8080 }]);
    expect(byPod['Pod/shop/cart-new']).toEqual([{ port: 80, name: 'web', protocol: 'TCP', targetPort: 'http', containerPort: 9090 }]);
    expect(edgesOf(t, 'service-slice').every((e) => e.source === 'Service/shop/cart')).toBe(true);
  });

  it('carries ready, serving and terminating on endpoint edges, and flags a not-ready endpoint', () => {
    const t = build(
      service('shop', 'api', { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
      pod('shop', 'api-1', { labels: { app: 'api' } }),
      pod('shop', 'api-2', { labels: { app: 'api' }, ready: false }),
      pod('shop', 'api-3', { labels: { app: 'api' }, deleting: true }),
      slice('shop', 'api-abcde', 'api', {
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [
          { addresses: ['10.0.0.1'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'shop', name: 'api-1' } },
          { addresses: ['10.0.0.2'], conditions: { ready: false, serving: false, terminating: false }, targetRef: { kind: 'Pod', namespace: 'shop', name: 'api-2' } },
          { addresses: ['10.0.0.3'], conditions: { ready: false, serving: true, terminating: true }, targetRef: { kind: 'Pod', namespace: 'shop', name: 'api-3' } },
        ],
      }),
    );
    const edge = (podName: string) => edgesOf(t, 'slice-endpoint').find((e) => e.target === `Pod/shop/${podName}`)!;
    expect(edge('api-1')).toMatchObject({ conditions: { ready: true, serving: true, terminating: false }, problems: [] });
    expect(edge('api-2').conditions).toEqual({ ready: false, serving: false, terminating: false });
    expect(edge('api-2').problems).toEqual(['Endpoint is not ready: it receives no traffic']);
    expect(edge('api-3')).toMatchObject({ conditions: { ready: false, serving: true, terminating: true }, problems: [] });
    expect(nodeById(t, 'Pod/shop/api-3').facts.phase).toBe('Terminating');
    expect(nodeById(t, 'EndpointSlice/shop/api-abcde').facts).toMatchObject({ endpoints: 3, readyEndpoints: 1 });
    expect(edge('api-1').ports).toEqual([{ port: 80, name: 'http', protocol: 'TCP', targetPort: 8080, containerPort: 8080 }]);
  });

  it('links a Service without a selector to its hand-made EndpointSlice and the addresses in it', () => {
    const t = build(
      service('data', 'legacy-db', { ports: [{ port: 5432, targetPort: 5432 }] }),
      slice('data', 'legacy-db-1', 'legacy-db', {
        ports: [{ port: 5432, protocol: 'TCP' }],
        endpoints: [{ addresses: ['192.168.10.5'] }, { addresses: ['192.168.10.6'] }],
      }),
    );
    expect(edgesOf(t, 'service-slice')).toMatchObject([{ source: 'Service/data/legacy-db', target: 'EndpointSlice/data/legacy-db-1', problems: [] }]);
    expect(edgesOf(t, 'slice-endpoint').map((e) => e.target)).toEqual(['External/192.168.10.5', 'External/192.168.10.6']);
    expect(nodeById(t, 'External/192.168.10.5').facts.roles).toEqual(['Endpoint address']);
    // An endpoint without conditions counts as ready, as the API documents.
    expect(edgesOf(t, 'slice-endpoint')[0].conditions).toEqual({ ready: true, serving: true, terminating: false });
    expect(nodeById(t, 'Service/data/legacy-db').problems).toEqual([]);
  });

  it('draws headless and ExternalName Services, LoadBalancer addresses and NodePorts', () => {
    const t = build(
      service('data', 'db', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] }),
      pod('data', 'db-0', { labels: { app: 'db' } }),
      service('shop', 'payments', { type: 'ExternalName', externalName: 'api.payments.example', clusterIP: undefined }),
      kube({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'edge', namespace: 'shop' },
        spec: { type: 'LoadBalancer', clusterIP: '10.96.1.1', selector: { app: 'x' }, ports: [{ name: 'https', port: 443, targetPort: 8443, nodePort: 31443 }] },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
      }),
    );
    expect(nodeById(t, 'Service/data/db').facts).toMatchObject({ type: 'ClusterIP', headless: true });
    expect(nodeById(t, 'Service/data/db').facts.clusterIPs).toBeUndefined();
    expect(edgesOf(t, 'external-name')).toMatchObject([{ source: 'Service/shop/payments', target: 'External/api.payments.example' }]);
    expect(nodeById(t, 'Service/shop/edge').facts).toMatchObject({ type: 'LoadBalancer', loadBalancer: ['203.0.113.10'], nodePorts: ['31443/TCP'] });
    expect(edgesOf(t, 'load-balancer')).toMatchObject([
      { source: 'External/203.0.113.10', target: 'Service/shop/edge', ports: [{ port: 443, name: 'https', targetPort: 8443, nodePort: 31443, protocol: 'TCP' }] },
    ]);
    expect(nodeById(t, 'Service/shop/edge').problems).toEqual(['Selector app=x matches no pods in namespace shop']);
  });

  it('draws an Ingress default backend and its rules, resolving named Service ports', () => {
    const t = build(
      service('shop', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
      service('shop', 'fallback', { selector: { app: 'fallback' }, ports: [{ port: 8080 }] }),
      kube({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'shop', namespace: 'shop' },
        spec: {
          ingressClassName: 'nginx',
          defaultBackend: { service: { name: 'fallback', port: { number: 8080 } } },
          rules: [{ host: 'shop.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }],
        },
      }),
    );
    const backends = edgesOf(t, 'ingress-backend');
    expect(backends).toHaveLength(2);
    expect(backends.find((e) => e.defaultBackend)).toMatchObject({ target: 'Service/shop/fallback', ports: [{ port: 8080 }], problems: [] });
    expect(backends.find((e) => !e.defaultBackend)).toMatchObject({ target: 'Service/shop/web', host: 'shop.example', path: '/', ports: [{ port: 80, name: 'http', targetPort: 8080 }] });
  });

  it('keeps an Ingress backend that names a missing Service visible as a missing node with the reason', () => {
    const t = build(
      kube({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'shop', namespace: 'shop' },
        spec: { rules: [{ host: 'shop.example', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'api-v2', port: { number: 80 } } } }] } }] },
      }),
    );
    const missing = nodeById(t, 'Service/shop/api-v2');
    expect(missing.missing).toBe(true);
    expect(missing.missingReason).toBe('Ingress shop/shop routes shop.example/api to Service api-v2, which does not exist');
    expect(edgesOf(t, 'ingress-backend')).toMatchObject([{ source: 'Ingress/shop/shop', target: 'Service/shop/api-v2', problems: [missing.missingReason] }]);
  });

  it('draws Gateway → HTTPRoute → two weighted Service backends', () => {
    const t = build(
      kube({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'public', namespace: 'infra' },
        spec: { gatewayClassName: 'cilium', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
        status: { addresses: [{ type: 'IPAddress', value: '203.0.113.20' }] },
      }),
      service('shop', 'checkout', { selector: { app: 'checkout' }, ports: [{ port: 8080 }] }),
      service('shop', 'checkout-canary', { selector: { app: 'checkout-canary' }, ports: [{ port: 8080 }] }),
      kube({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'checkout', namespace: 'shop' },
        spec: {
          parentRefs: [{ name: 'public', namespace: 'infra', sectionName: 'http' }],
          hostnames: ['shop.example'],
          rules: [{ backendRefs: [{ name: 'checkout', port: 8080, weight: 90 }, { name: 'checkout-canary', port: 8080, weight: 10 }] }],
        },
      }),
    );
    expect(edgesOf(t, 'gateway-route')).toMatchObject([{ source: 'Gateway/infra/public', target: 'HTTPRoute/shop/checkout', ports: [{ port: 80, name: 'http' }], problems: [] }]);
    const weights = edgesOf(t, 'route-backend').map((e) => [e.target, e.weight, e.ports[0]?.port]);
    expect(weights).toEqual([
      ['Service/shop/checkout', 90, 8080],
      ['Service/shop/checkout-canary', 10, 8080],
    ]);
    expect(edgesOf(t, 'load-balancer')).toMatchObject([{ source: 'External/203.0.113.20', target: 'Gateway/infra/public' }]);
  });

  it('shows a pod on a Node that is gone as an edge to a missing Node', () => {
    const t = build(node('n1'), pod('shop', 'web-1', { node: 'n2' }));
    const gone = nodeById(t, 'Node/n2');
    expect(gone).toMatchObject({ missing: true, missingReason: 'Pod shop/web-1 is scheduled on Node n2, which does not exist' });
    expect(edgesOf(t, 'pod-node')).toMatchObject([{ target: 'Node/n2', problems: [gone.missingReason] }]);
  });

  it('groups pods under their workload through the ReplicaSet', () => {
    const t = build(
      kube({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 1, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } } }),
      kube({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'shop', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] }, spec: { template: {} } }),
      pod('shop', 'web-abc-1', { owner: { kind: 'ReplicaSet', name: 'web-abc' } }),
    );
    expect(nodeById(t, 'Pod/shop/web-abc-1').workload).toBe('Deployment/shop/web');
    expect(nodeById(t, 'Deployment/shop/web')).toMatchObject({ kind: 'Workload', workloadKind: 'Deployment', facts: { replicas: 1, pods: 1, readyPods: 1 } });
    expect(t.nodes.some((n) => n.id === 'ReplicaSet/shop/web-abc')).toBe(false);
  });

  it('marks an EndpointSlice whose Service is gone, and one whose pod is gone', () => {
    const t = build(
      slice('shop', 'orphan-1', 'orphan', {
        ports: [{ port: 80, protocol: 'TCP' }],
        endpoints: [{ addresses: ['10.0.0.9'], conditions: { ready: true }, targetRef: { kind: 'Pod', namespace: 'shop', name: 'ghost' } }],
      }),
    );
    expect(nodeById(t, 'Service/shop/orphan').missing).toBe(true);
    expect(nodeById(t, 'Pod/shop/ghost').missing).toBe(true);
  });
});
