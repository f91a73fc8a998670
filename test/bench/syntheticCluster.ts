/**
 * A synthetic cluster of any size, as raw API objects shaped like a real server's (managedFields
 * and all), for benchmarks and scale tests. Deterministic: the same sizes give the same objects.
 */
export interface ClusterSize {
  namespaces: number;
  nodes: number;
  services: number;
  pods: number;
  /**
   * One more namespace, on top of the counts above, holding `pods` pods behind `services`
   * Services (evenly split, each Service's pods under one ReplicaSet): a namespace far bigger than
   * the others, to drill into.
   */
  bigNamespace?: { name: string; pods: number; services: number };
}

export const SCALE_150K: ClusterSize = { namespaces: 500, nodes: 5_000, services: 10_000, pods: 150_000 };

type Raw = Record<string, unknown>;

const managedFields = (manager: string) => [{ manager, operation: 'Update', apiVersion: 'v1', time: '2026-11-22T14:03:48Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': {} } }];

export function* syntheticCluster(size: ClusterSize): Generator<Raw> {
  for (let n = 0; n < size.namespaces; n++) {
    yield { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${n}`, uid: `ns-${n}`, resourceVersion: '1', labels: { 'kubernetes.io/metadata.name': `ns-${n}` } } };
  }
  for (let i = 0; i < size.nodes; i++) {
    const third = Math.floor(i / 256);
    yield {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${i}`, uid: `node-${i}`, resourceVersion: '1', labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': `zone-${i % 3}` }, managedFields: managedFields('kubelet') },
      spec: { podCIDR: `10.${100 + (third % 100)}.${i % 256}.0/24`, podCIDRs: [`10.${100 + (third % 100)}.${i % 256}.0/24`] },
      status: { addresses: [{ type: 'InternalIP', address: `192.168.${third}.${i % 256}` }], conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }], capacity: { cpu: '8', memory: '32Gi' }, images: [] },
    };
  }
  const podsPerService = Math.max(1, Math.floor(size.pods / size.services));
  for (let s = 0; s < size.services; s++) {
    yield* serviceWithPods({ namespace: `ns-${s % size.namespaces}`, app: `svc-${s}`, serviceIndex: s, firstPodIndex: s * podsPerService, pods: podsPerService, nodes: size.nodes });
  }
  const big = size.bigNamespace;
  if (big) {
    yield { apiVersion: 'v1', kind: 'Namespace', metadata: { name: big.name, uid: `ns-${big.name}`, resourceVersion: '1', labels: { 'kubernetes.io/metadata.name': big.name } } };
    let podIndex = size.services * podsPerService;
    for (const [k, { app, pods }] of bigNamespaceServices(big).entries()) {
      yield* serviceWithPods({ namespace: big.name, app, serviceIndex: size.services + k, firstPodIndex: podIndex, pods, nodes: size.nodes });
      podIndex += pods;
    }
  }
}

/** The big namespace's Services, by app label, and how many pods each has (the last takes the remainder). */
function bigNamespaceServices(big: NonNullable<ClusterSize['bigNamespace']>): { app: string; pods: number }[] {
  const perService = Math.max(1, Math.floor(big.pods / big.services));
  return Array.from({ length: big.services }, (_, k) => ({ app: `${big.name}-svc-${k}`, pods: k === big.services - 1 ? big.pods - perService * (big.services - 1) : perService }));
}

/** The name of the `p`th pod of the Service whose `app` label is `app`, as syntheticCluster names it. */
export const syntheticPodName = (app: string, p: number) => `${app}-7d9f8c6b5-${String(p).padStart(5, '0')}`;

/** The pods syntheticCluster(size) puts in `namespace`, by name with their app label, without generating the cluster. */
export function syntheticPodsOf(size: ClusterSize, namespace: string): { name: string; app: string }[] {
  const pods: { name: string; app: string }[] = [];
  const add = (app: string, count: number) => {
    for (let p = 0; p < count; p++) pods.push({ name: syntheticPodName(app, p), app });
  };
  if (size.bigNamespace && namespace === size.bigNamespace.name) {
    for (const { app, pods: count } of bigNamespaceServices(size.bigNamespace)) add(app, count);
    return pods;
  }
  const n = /^ns-(\d+)$/.exec(namespace) ? Number(namespace.slice(3)) : -1;
  if (n < 0 || n >= size.namespaces) return pods;
  const podsPerService = Math.max(1, Math.floor(size.pods / size.services));
  for (let s = n; s < size.services; s += size.namespaces) add(`svc-${s}`, podsPerService);
  return pods;
}

/** One Service, its pods (under one ReplicaSet, spread over the nodes) and its EndpointSlice. */
function* serviceWithPods(options: { namespace: string; app: string; serviceIndex: number; firstPodIndex: number; pods: number; nodes: number }): Generator<Raw> {
  const { namespace, app, serviceIndex: s } = options;
  yield {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace, uid: `svc-${s}`, resourceVersion: '2', managedFields: managedFields('kubectl') },
    spec: { clusterIP: `10.96.${Math.floor(s / 256) % 256}.${s % 256}`, clusterIPs: [`10.96.${Math.floor(s / 256) % 256}.${s % 256}`], selector: { app }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }], type: 'ClusterIP' },
    status: { loadBalancer: {} },
  };
  const endpoints: Raw[] = [];
  for (let p = 0; p < options.pods; p++) {
    const index = options.firstPodIndex + p;
    const node = `node-${index % options.nodes}`;
    const ip = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
    const name = syntheticPodName(app, p);
    endpoints.push({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, nodeName: node, targetRef: { kind: 'Pod', namespace, name, uid: `pod-${index}` } });
    yield syntheticPod({ namespace, name, app, uid: `pod-${index}`, replicaSetUid: `rs-${s}`, node, ip });
  }
  yield {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${app}-abcde`, namespace, uid: `eps-${s}`, resourceVersion: '4', labels: { 'kubernetes.io/service-name': app, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, managedFields: managedFields('kube-controller-manager') },
    addressType: 'IPv4',
    endpoints,
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
}

/** A running, ready pod of the Service `app`, owned by its ReplicaSet, shaped as a real server sends it. */
export function syntheticPod(options: { namespace: string; name: string; app: string; uid: string; replicaSetUid: string; node: string; ip: string }): Raw {
  const { namespace, name, app, uid, node, ip } = options;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid,
      resourceVersion: '3',
      labels: { app, 'pod-template-hash': '7d9f8c6b5' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-7d9f8c6b5`, uid: options.replicaSetUid, controller: true, blockOwnerDeletion: true }],
      managedFields: managedFields('kube-controller-manager'),
    },
    spec: {
      nodeName: node,
      containers: [{ name: 'app', image: `registry.example/${app}:1.0`, ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'LOG_LEVEL', value: 'info' }], resources: { requests: { cpu: '100m' } }, volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }] }],
      volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } }],
    },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], hostIP: '192.168.0.1', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0 }] },
  };
}
