/** Random small clusters for the core's property tests. */
import fc from 'fast-check';
import type { KubeObject, ObjectChange } from '../../shared/kube';
import { idOf } from '../../shared/kube';
import { kube, namespace, pod, service } from './manifests';

const NAMESPACES = ['a', 'b', 'c'];
const apps = fc.constantFrom('web', 'api', 'db');

/** One object of a small random cluster (three namespaces, two Nodes, pods, Services, slices, Ingresses, Gateways and routes across namespaces); objects with the same id replace each other. */
export const clusterObject: fc.Arbitrary<KubeObject> = fc.oneof(
  fc.constantFrom(...NAMESPACES.map((n) => namespace(n))),
  fc.record({ name: fc.constantFrom('n1', 'n2'), ready: fc.boolean() }).map(({ name, ready }) =>
    kube({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: { addresses: [], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }),
  ),
  fc.record({ ns: fc.constantFrom(...NAMESPACES), i: fc.integer({ min: 0, max: 3 }), app: apps, node: fc.constantFrom('n1', 'n2', 'n3', undefined), ready: fc.boolean(), owned: fc.boolean() }).map((p) =>
    pod(p.ns, `${p.app}-${p.i}`, { labels: { app: p.app }, node: p.node, ready: p.ready, ip: `10.0.0.${p.i}`, ports: [{ name: 'http', containerPort: 8080 }], ...(p.owned ? { owner: { kind: 'ReplicaSet', name: `${p.app}-rs` } } : {}) }),
  ),
  fc.record({ ns: fc.constantFrom(...NAMESPACES), app: apps, selector: apps }).map((s) => service(s.ns, s.app, { selector: { app: s.selector }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] })),
  fc.record({ ns: fc.constantFrom(...NAMESPACES), app: apps }).map(({ ns, app }) =>
    kube({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${app}-rs`, namespace: ns, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, controller: true, uid: 'u' }] }, spec: { replicas: 2, selector: { matchLabels: { app } } } }),
  ),
  fc.record({ ns: fc.constantFrom(...NAMESPACES), app: apps, i: fc.integer({ min: 0, max: 3 }) }).map(({ ns, app, i }) =>
    kube({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${app}-slice`, namespace: ns, labels: { 'kubernetes.io/service-name': app } },
      addressType: 'IPv4',
      ports: [{ name: 'web', port: 8080, protocol: 'TCP' }],
      endpoints: [{ addresses: [`10.0.0.${i}`], conditions: { ready: true }, targetRef: { kind: 'Pod', name: `${app}-${i}`, namespace: ns } }],
    }),
  ),
  fc.record({ ns: fc.constantFrom(...NAMESPACES), app: apps, cls: fc.constantFrom(undefined, 'nginx', 'other') }).map(({ ns, app, cls }) =>
    kube({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: `${app}-in`, namespace: ns }, spec: { ...(cls ? { ingressClassName: cls } : {}), rules: [{ host: 'x.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: app, port: { number: 80 } } } }] } }] } }),
  ),
  fc.constant(kube({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } })),
  fc.record({ ns: fc.constantFrom(...NAMESPACES) }).map(({ ns }) =>
    kube({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: ns }, spec: { gatewayClassName: 'c', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } }),
  ),
  fc.record({ ns: fc.constantFrom(...NAMESPACES), gw: fc.constantFrom(...NAMESPACES), backend: fc.constantFrom(...NAMESPACES), app: apps, section: fc.constantFrom(undefined, 'http', 'https') }).map((r) =>
    kube({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: `${r.app}-route`, namespace: r.ns },
      spec: { parentRefs: [{ name: 'gw', namespace: r.gw, ...(r.section ? { sectionName: r.section } : {}) }], rules: [{ backendRefs: [{ name: r.app, namespace: r.backend, port: 80 }] }] },
    }),
  ),
  fc.record({ ns: fc.constantFrom(...NAMESPACES), app: apps }).map(({ ns, app }) => service(ns, `${app}-lb`, { type: 'LoadBalancer', ports: [{ port: 443 }], externalIPs: ['203.0.113.7'] })),
);

/** A step of a random change sequence: put objects (add or replace), or remove some of those present. */
export type ChangeStep = { put: KubeObject[] } | { remove: number[] };

export const changeStep: fc.Arbitrary<ChangeStep> = fc.oneof(fc.record({ put: fc.array(clusterObject, { minLength: 1, maxLength: 6 }) }), fc.record({ remove: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }));

/** Applies a step to a state by id, and returns the changes a watch would have reported for it. */
export function applyStep(state: Map<string, KubeObject>, step: ChangeStep): ObjectChange[] {
  const changes: ObjectChange[] = [];
  if ('put' in step) {
    for (const object of step.put) {
      changes.push({ type: state.has(idOf(object)) ? 'modified' : 'added', key: idOf(object), object });
      state.set(idOf(object), object);
    }
  } else {
    const ids = [...state.keys()];
    for (const i of step.remove) {
      const id = ids[i % Math.max(1, ids.length)];
      if (id && state.has(id)) changes.push({ type: 'deleted', key: id, object: state.get(id)! });
      if (id) state.delete(id);
    }
  }
  return changes;
}
