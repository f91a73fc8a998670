/**
 * Raw Kubernetes objects for tests against the API server double, shaped as a client would
 * create them (the double adds uid, resourceVersion and creationTimestamp).
 */
type Raw = Record<string, unknown>;

export const namespace = (name: string): Raw => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });

export const node = (name: string, index = 0): Raw => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`] },
  status: { addresses: [{ type: 'InternalIP', address: `192.168.1.${10 + index}` }], conditions: [{ type: 'Ready', status: 'True' }] },
});

export const pod = (ns: string, name: string, options: { app?: string; node?: string; ip?: string; ready?: boolean } = {}): Raw => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels: { app: options.app ?? 'echo' } },
  spec: { nodeName: options.node ?? 'node-1', containers: [{ name: 'echo', image: 'echo:1.0', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] },
  status: { phase: 'Running', podIP: options.ip ?? '10.244.0.10', podIPs: [{ ip: options.ip ?? '10.244.0.10' }], conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }] },
});

export const service = (ns: string, name: string, app = name): Raw => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], selector: { app }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }], type: 'ClusterIP' },
});

export const endpointSlice = (ns: string, serviceName: string, pods: { name: string; ip: string }[]): Raw => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${serviceName}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': serviceName, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
  addressType: 'IPv4',
  endpoints: pods.map((p) => ({ addresses: [p.ip], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: ns, name: p.name } })),
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

export const networkPolicy = (ns: string, name: string): Raw => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
});

export const gateway = (ns: string, name: string): Raw => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: ns },
  spec: { gatewayClassName: 'cilium', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
});

export const httpRoute = (ns: string, name: string, gatewayName: string, serviceName: string): Raw => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: ns },
  spec: { parentRefs: [{ name: gatewayName }], rules: [{ backendRefs: [{ name: serviceName, port: 80 }] }] },
});

/** The small cluster of the captured wire samples: one namespace, two Nodes, an echo Deployment's pods behind a Service. */
export function echoCluster(): Raw[] {
  const pods = [1, 2, 3].map((i) => ({ name: `echo-5dd6d88bc9-${i}`, ip: `10.244.0.${10 + i}` }));
  return [
    namespace('wire-demo'),
    node('node-1', 0),
    node('node-2', 1),
    ...pods.map((p, i) => pod('wire-demo', p.name, { ip: p.ip, node: i % 2 ? 'node-2' : 'node-1' })),
    service('wire-demo', 'echo'),
    endpointSlice('wire-demo', 'echo', pods),
    networkPolicy('wire-demo', 'allow-from-ingress'),
  ];
}
