import type {
  AllowedRoutes,
  BackendRef,
  GatewayListener,
  RouteParentStatus,
  Endpoint,
  IngressBackend,
  KubeObject,
  LabelSelector,
  ObjectMeta,
  ParentRef,
  RouteRule,
  ServicePort,
  WorkloadKind,
} from '../../shared/kube';
import { CLUSTER_SCOPED_KINDS, WORKLOAD_KINDS } from '../../shared/kube';
import { arr, bool, conditions, conditionTrue, definedOnly, isObject, num, obj, protocol, scalarStrings, str, stringMap, strings, type Json } from './json';
import { containers, notReadyReason, podNetworkSpec, podReady, podTemplate } from './stripPod';

/** The kinds Strata reads, with the apiVersion it expects of each. */
export const KNOWN_KINDS: Readonly<Record<string, string>> = {
  Namespace: 'v1',
  Node: 'v1',
  Pod: 'v1',
  Service: 'v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  Ingress: 'networking.k8s.io/v1',
  IngressClass: 'networking.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  AdminNetworkPolicy: 'policy.networking.k8s.io/v1alpha1',
  BaselineAdminNetworkPolicy: 'policy.networking.k8s.io/v1alpha1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Gateway: 'gateway.networking.k8s.io/v1',
  HTTPRoute: 'gateway.networking.k8s.io/v1',
  GRPCRoute: 'gateway.networking.k8s.io/v1',
  GatewayClass: 'gateway.networking.k8s.io/v1',
  ReferenceGrant: 'gateway.networking.k8s.io/v1beta1',
  CiliumNetworkPolicy: 'cilium.io/v2',
  CiliumClusterwideNetworkPolicy: 'cilium.io/v2',
  GlobalNetworkPolicy: 'crd.projectcalico.org/v1',
  ClusterNetworkPolicy: 'crd.antrea.io/v1beta1',
};

/**
 * CNI policy kinds, by `group/kind`, that Strata counts but does not evaluate. Calico's and Antrea's
 * namespaced policies share the kind NetworkPolicy with Kubernetes', so the API group tells them apart.
 */
const UNMODELLED_POLICIES: Readonly<Record<string, { policyKind: string; clusterWide: boolean }>> = {
  'cilium.io/CiliumNetworkPolicy': { policyKind: 'CiliumNetworkPolicy', clusterWide: false },
  'cilium.io/CiliumClusterwideNetworkPolicy': { policyKind: 'CiliumClusterwideNetworkPolicy', clusterWide: true },
  'crd.projectcalico.org/NetworkPolicy': { policyKind: 'Calico NetworkPolicy', clusterWide: false },
  'projectcalico.org/NetworkPolicy': { policyKind: 'Calico NetworkPolicy', clusterWide: false },
  'crd.projectcalico.org/GlobalNetworkPolicy': { policyKind: 'Calico GlobalNetworkPolicy', clusterWide: true },
  'projectcalico.org/GlobalNetworkPolicy': { policyKind: 'Calico GlobalNetworkPolicy', clusterWide: true },
  'crd.antrea.io/NetworkPolicy': { policyKind: 'Antrea NetworkPolicy', clusterWide: false },
  'crd.antrea.io/ClusterNetworkPolicy': { policyKind: 'Antrea ClusterNetworkPolicy', clusterWide: true },
  // The upstream successor of AdminNetworkPolicy (policy.networking.k8s.io/v1alpha2), not evaluated yet.
  'policy.networking.k8s.io/ClusterNetworkPolicy': { policyKind: 'ClusterNetworkPolicy', clusterWide: true },
};

/** Kinds listed above only so that their policy kinds are recognised. */
const UNMODELLED_KIND_NAMES: Readonly<Record<string, true>> = { CiliumNetworkPolicy: true, CiliumClusterwideNetworkPolicy: true, GlobalNetworkPolicy: true, ClusterNetworkPolicy: true };

/** Thrown for an object that has a known kind but cannot be read; the message says what is wrong. */
export class MalformedObjectError extends Error {}

function meta(raw: unknown, clusterScoped: boolean): ObjectMeta {
  const m = obj(raw);
  const name = str(m.name);
  if (!name) throw new MalformedObjectError('metadata.name is missing');
  const owners = arr(m.ownerReferences)
    .filter(isObject)
    .map((o) => definedOnly({ kind: str(o.kind) ?? '', name: str(o.name) ?? '', uid: str(o.uid), controller: o.controller === true ? true : undefined }));
  return definedOnly({
    name,
    namespace: clusterScoped ? undefined : (str(m.namespace) ?? undefined),
    uid: str(m.uid),
    resourceVersion: str(m.resourceVersion),
    creationTimestamp: str(m.creationTimestamp),
    deletionTimestamp: str(m.deletionTimestamp),
    labels: stringMap(m.labels),
    ownerReferences: owners.length > 0 ? owners : undefined,
  });
}

function labelSelector(raw: unknown): LabelSelector | undefined {
  if (!isObject(raw)) return undefined;
  const expressions = arr(raw.matchExpressions)
    .filter(isObject)
    .map((e) => definedOnly({ key: str(e.key) ?? '', operator: (str(e.operator) ?? 'Exists') as 'In', values: Array.isArray(e.values) ? scalarStrings(e.values) : undefined }));
  return definedOnly({ matchLabels: stringMap(raw.matchLabels), matchExpressions: expressions.length > 0 ? expressions : undefined });
}

function lbIngress(status: unknown): { ip?: string; hostname?: string }[] {
  return arr(obj(obj(status).loadBalancer).ingress)
    .filter(isObject)
    .map((i) => definedOnly({ ip: str(i.ip), hostname: str(i.hostname) }));
}

function ingressBackend(raw: unknown): IngressBackend | undefined {
  if (!isObject(raw)) return undefined;
  const service = obj(raw.service);
  const resource = obj(raw.resource);
  if (str(service.name)) {
    const port = obj(service.port);
    return { service: { name: str(service.name)!, port: definedOnly({ number: num(port.number), name: str(port.name) }) } };
  }
  if (str(resource.kind)) return { resource: definedOnly({ apiGroup: str(resource.apiGroup), kind: str(resource.kind)!, name: str(resource.name) ?? '' }) };
  return undefined;
}

function labelSelectorOrEmpty(raw: unknown): LabelSelector {
  return labelSelector(raw) ?? {};
}

function allowedRoutes(raw: unknown): AllowedRoutes | undefined {
  if (!isObject(raw)) return undefined;
  const namespaces = obj(raw.namespaces);
  const from = str(namespaces.from);
  const kinds = arr(raw.kinds).filter(isObject).map((k) => str(k.kind)).filter((k): k is string => !!k);
  return definedOnly<AllowedRoutes>({
    from: from === 'All' || from === 'Selector' ? from : 'Same',
    selector: from === 'Selector' ? labelSelectorOrEmpty(namespaces.selector) : undefined,
    kinds: kinds.length ? kinds : undefined,
  });
}

function gatewayListener(l: Json): GatewayListener {
  const refs = arr(obj(l.tls).certificateRefs)
    .filter(isObject)
    .map((r) => definedOnly({ kind: str(r.kind) ?? 'Secret', namespace: str(r.namespace), name: str(r.name) ?? '' }));
  return definedOnly({
    name: str(l.name) ?? '',
    port: num(l.port) ?? 0,
    protocol: str(l.protocol) ?? 'HTTP',
    hostname: str(l.hostname),
    allowedRoutes: allowedRoutes(l.allowedRoutes),
    certificateRefs: refs.length ? refs : undefined,
  });
}

/**
 * A route's status, always set: no status at all means no controller wrote one. (Recordings made
 * before Strata kept it hold routes without the field, which the rules read as unknown.)
 */
function routeStatus(status: Json): { parents: RouteParentStatus[] } {
  const parents = arr(status.parents)
    .filter(isObject)
    .map((p) => definedOnly({ parentRef: parentRefs([p.parentRef])[0], controllerName: str(p.controllerName), conditions: conditions(p) }));
  return { parents };
}

function parentRefs(raw: unknown): ParentRef[] {
  return arr(raw)
    .filter(isObject)
    .map((p) => definedOnly({ group: str(p.group), kind: str(p.kind), namespace: str(p.namespace), name: str(p.name) ?? '', sectionName: str(p.sectionName), port: num(p.port) }));
}

function routeRules(raw: unknown): RouteRule[] {
  return arr(raw)
    .filter(isObject)
    .map((r) =>
      definedOnly({
        matches: arr(r.matches),
        backendRefs: arr(r.backendRefs)
          .filter(isObject)
          .map((b): BackendRef => definedOnly({ group: str(b.group), kind: str(b.kind), namespace: str(b.namespace), name: str(b.name) ?? '', port: num(b.port), weight: num(b.weight) })),
        filters: arr(r.filters).length || undefined,
      }),
    );
}

function servicePort(p: Json): ServicePort {
  const port = num(p.port) ?? 0;
  const target = p.targetPort;
  return definedOnly({
    name: str(p.name),
    protocol: protocol(p.protocol),
    port,
    // An absent targetPort defaults to the port itself.
    targetPort: typeof target === 'number' ? target : typeof target === 'string' && target !== '' ? (/^\d+$/.test(target) ? Number(target) : target) : port,
    nodePort: num(p.nodePort),
    appProtocol: str(p.appProtocol),
  });
}

function endpoint(e: Json): Endpoint {
  const c = obj(e.conditions);
  const ref = obj(e.targetRef);
  return definedOnly({
    addresses: strings(e.addresses),
    // An unset `ready` means ready (the API's documented default); serving follows ready when unset.
    conditions: { ready: bool(c.ready) ?? true, serving: bool(c.serving) ?? bool(c.ready) ?? true, terminating: bool(c.terminating) ?? false },
    hostname: str(e.hostname),
    nodeName: str(e.nodeName),
    zone: str(e.zone),
    targetRef: str(ref.name) ? definedOnly({ kind: str(ref.kind) ?? 'Pod', namespace: str(ref.namespace), name: str(ref.name)!, uid: str(ref.uid) }) : undefined,
  });
}

function trafficPolicy(v: unknown): 'Cluster' | 'Local' | undefined {
  return v === 'Local' ? 'Local' : v === 'Cluster' ? 'Cluster' : undefined;
}

/**
 * Strips a Kubernetes object, as a server or a manifest gives it, to the fields Strata uses.
 * `kind` and `apiVersion` are passed for list items, which carry neither.
 * Returns undefined for kinds Strata does not read (Secrets and ConfigMaps among them).
 */
export function stripObject(raw: unknown, kindHint?: string, apiVersionHint?: string): KubeObject | undefined {
  if (!isObject(raw)) throw new MalformedObjectError('it is not an object');
  const kind = str(raw.kind) ?? kindHint;
  if (!kind) throw new MalformedObjectError('it has no kind');
  if (!(kind in KNOWN_KINDS)) return undefined;
  const apiVersion = str(raw.apiVersion) ?? apiVersionHint ?? KNOWN_KINDS[kind];
  const unmodelled = UNMODELLED_POLICIES[`${apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : ''}/${kind}`];
  if (unmodelled) {
    // The policy's own kind goes into the name, so that a Cilium and a Calico policy of one name stay two objects.
    const metadata = meta(raw.metadata, unmodelled.clusterWide);
    return { kind: 'UnmodelledPolicy', apiVersion, metadata: { ...metadata, name: `${unmodelled.policyKind.replace(/ /g, '')}:${metadata.name}` }, ...unmodelled };
  }
  // A kind name Strata reads, from an API group it does not (another CNI's or controller's own kind).
  if (kind in UNMODELLED_KIND_NAMES) return undefined;
  const metadata = meta(raw.metadata, CLUSTER_SCOPED_KINDS.has(kind));
  const spec = obj(raw.spec);
  const status = obj(raw.status);
  const base = { apiVersion, metadata };

  switch (kind) {
    case 'Namespace':
      return { kind, ...base };
    case 'Node':
      return {
        kind,
        ...base,
        spec: { podCIDRs: strings(spec.podCIDRs).length > 0 ? strings(spec.podCIDRs) : strings([spec.podCIDR]), unschedulable: spec.unschedulable === true },
        status: {
          addresses: arr(status.addresses).filter(isObject).map((a) => ({ type: str(a.type) ?? '', address: str(a.address) ?? '' })),
          ready: conditionTrue(status, 'Ready'),
          networkUnavailable: conditionTrue(status, 'NetworkUnavailable') ?? undefined,
        },
      };
    case 'Pod': {
      const podIPs = arr(status.podIPs).filter(isObject).map((p) => str(p.ip)).filter((ip): ip is string => !!ip);
      return {
        kind,
        ...base,
        spec: definedOnly({ ...podNetworkSpec(spec), nodeName: str(spec.nodeName), containers: containers(spec), hostNetwork: spec.hostNetwork === true }),
        status: definedOnly({
          phase: str(status.phase),
          podIPs: podIPs.length > 0 ? podIPs : strings([status.podIP]),
          ready: podReady(status),
          notReady: podReady(status) === false ? notReadyReason(spec, status) : undefined,
        }),
      };
    }
    case 'Service': {
      const clusterIPs = strings(spec.clusterIPs).length > 0 ? strings(spec.clusterIPs) : strings([spec.clusterIP]);
      const type = str(spec.type);
      return {
        kind,
        ...base,
        spec: definedOnly({
          type: type === 'NodePort' || type === 'LoadBalancer' || type === 'ExternalName' ? type : 'ClusterIP',
          selector: stringMap(spec.selector),
          clusterIPs: clusterIPs.filter((ip) => ip !== 'None'),
          ports: arr(spec.ports).filter(isObject).map(servicePort),
          externalName: str(spec.externalName),
          externalIPs: strings(spec.externalIPs),
          headless: clusterIPs.includes('None'),
          externalTrafficPolicy: trafficPolicy(spec.externalTrafficPolicy),
          internalTrafficPolicy: trafficPolicy(spec.internalTrafficPolicy),
          publishNotReadyAddresses: spec.publishNotReadyAddresses === true || undefined,
          sessionAffinity: str(spec.sessionAffinity) === 'ClientIP' ? 'ClientIP' : undefined,
          loadBalancerClass: str(spec.loadBalancerClass),
        }),
        status: { loadBalancerIngress: lbIngress(status) },
      };
    }
    case 'EndpointSlice':
      return {
        kind,
        ...base,
        addressType: str(raw.addressType) ?? 'IPv4',
        endpoints: arr(raw.endpoints).filter(isObject).map(endpoint),
        ports: arr(raw.ports).filter(isObject).map((p) => definedOnly({ name: str(p.name) || undefined, port: num(p.port), protocol: protocol(p.protocol), appProtocol: str(p.appProtocol) })),
      };
    case 'Ingress':
      return {
        kind,
        ...base,
        spec: definedOnly({
          ingressClassName: str(spec.ingressClassName) ?? stringMap(obj(raw.metadata).annotations)?.['kubernetes.io/ingress.class'],
          defaultBackend: ingressBackend(spec.defaultBackend),
          rules: arr(spec.rules)
            .filter(isObject)
            .map((r) =>
              definedOnly({
                host: str(r.host),
                paths: arr(obj(r.http).paths)
                  .filter(isObject)
                  .map((p) => definedOnly({ path: str(p.path), pathType: str(p.pathType) ?? 'ImplementationSpecific', backend: ingressBackend(p.backend) ?? {} })),
              }),
            ),
          tls: arr(spec.tls).filter(isObject).map((t) => definedOnly({ hosts: strings(t.hosts), secretName: str(t.secretName) })),
        }),
        status: { loadBalancerIngress: lbIngress(status) },
      };
    case 'IngressClass':
      return {
        kind,
        ...base,
        spec: definedOnly({
          controller: str(spec.controller),
          isDefault: stringMap(obj(raw.metadata).annotations)?.['ingressclass.kubernetes.io/is-default-class'] === 'true',
        }),
      };
    case 'NetworkPolicy':
    case 'AdminNetworkPolicy':
    case 'BaselineAdminNetworkPolicy':
      return { kind, ...base, spec };
    case 'Gateway':
      return {
        kind,
        ...base,
        spec: {
          gatewayClassName: str(spec.gatewayClassName) ?? '',
          listeners: arr(spec.listeners).filter(isObject).map(gatewayListener),
          addresses: arr(spec.addresses).filter(isObject).map((a) => definedOnly({ type: str(a.type), value: str(a.value) ?? '' })),
        },
        status: definedOnly({
          addresses: arr(status.addresses).filter(isObject).map((a) => definedOnly({ type: str(a.type), value: str(a.value) ?? '' })),
          // Always set (no status: no conditions); recordings made before Strata kept them lack the field, which rules read as unknown.
          conditions: conditions(status),
          listeners: Array.isArray(status.listeners)
            ? arr(status.listeners)
                .filter(isObject)
                .map((l) => ({ name: str(l.name) ?? '', attachedRoutes: num(l.attachedRoutes) ?? 0, conditions: conditions(l) }))
            : undefined,
        }),
      };
    case 'HTTPRoute':
    case 'GRPCRoute':
      return definedOnly({ kind, ...base, spec: { parentRefs: parentRefs(spec.parentRefs), hostnames: strings(spec.hostnames), rules: routeRules(spec.rules) }, status: routeStatus(status) });
    case 'GatewayClass':
      return { kind, ...base, spec: { controllerName: str(spec.controllerName) ?? '' }, status: { conditions: conditions(status) } };
    case 'ReferenceGrant':
      return {
        kind,
        ...base,
        spec: {
          from: arr(spec.from).filter(isObject).map((f) => ({ group: str(f.group) ?? '', kind: str(f.kind) ?? '', namespace: str(f.namespace) ?? '' })),
          to: arr(spec.to).filter(isObject).map((t) => definedOnly({ group: str(t.group) ?? '', kind: str(t.kind) ?? '', name: str(t.name) || undefined })),
        },
      };
    default: {
      const workloadKind = kind as WorkloadKind;
      if (!WORKLOAD_KINDS.includes(workloadKind)) return undefined;
      // A CronJob's pod template sits one level deeper, under its jobTemplate.
      const jobSpec = workloadKind === 'CronJob' ? obj(obj(spec.jobTemplate).spec) : spec;
      return {
        kind: workloadKind,
        ...base,
        spec: definedOnly({
          replicas: num(spec.replicas),
          selector: labelSelector(jobSpec.selector),
          serviceName: str(spec.serviceName),
          template: podTemplate(jobSpec.template),
        }),
      };
    }
  }
}
