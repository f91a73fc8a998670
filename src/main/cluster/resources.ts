/**
 * The resources Strata watches: get, list and watch only, and never Secrets or ConfigMaps.
 * This list is the whole of Strata's RBAC needs (README: "Connecting to a cluster").
 */
export interface WatchedResource {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** Kinds that exist only when their CRDs are installed; Strata starts watching them when discovery shows them. */
  optional?: boolean;
  /**
   * A CNI's own policy kind, which Strata counts (as an UnmodelledPolicy) but does not evaluate;
   * named for people here, since several share the kind NetworkPolicy with Kubernetes'.
   */
  countedAs?: string;
}

export const WATCHED_RESOURCES: readonly WatchedResource[] = [
  { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  { kind: 'Node', group: '', version: 'v1', plural: 'nodes', namespaced: false },
  { kind: 'Pod', group: '', version: 'v1', plural: 'pods', namespaced: true },
  { kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true },
  { kind: 'EndpointSlice', group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespaced: true },
  { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', namespaced: true },
  { kind: 'IngressClass', group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses', namespaced: false },
  { kind: 'NetworkPolicy', group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies', namespaced: true },
  { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true },
  { kind: 'StatefulSet', group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true },
  { kind: 'AdminNetworkPolicy', group: 'policy.networking.k8s.io', version: 'v1alpha1', plural: 'adminnetworkpolicies', namespaced: false, optional: true },
  { kind: 'BaselineAdminNetworkPolicy', group: 'policy.networking.k8s.io', version: 'v1alpha1', plural: 'baselineadminnetworkpolicies', namespaced: false, optional: true },
  { kind: 'Gateway', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways', namespaced: true, optional: true },
  { kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', namespaced: true, optional: true },
  { kind: 'GRPCRoute', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'grpcroutes', namespaced: true, optional: true },
  { kind: 'GatewayClass', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gatewayclasses', namespaced: false, optional: true },
  { kind: 'ReferenceGrant', group: 'gateway.networking.k8s.io', version: 'v1beta1', plural: 'referencegrants', namespaced: true, optional: true },
  // CNI policies, counted only (src/core/kube/strip.ts makes them UnmodelledPolicy objects by their API group).
  { kind: 'CiliumNetworkPolicy', group: 'cilium.io', version: 'v2', plural: 'ciliumnetworkpolicies', namespaced: true, optional: true, countedAs: 'CiliumNetworkPolicy' },
  { kind: 'CiliumClusterwideNetworkPolicy', group: 'cilium.io', version: 'v2', plural: 'ciliumclusterwidenetworkpolicies', namespaced: false, optional: true, countedAs: 'CiliumClusterwideNetworkPolicy' },
  { kind: 'NetworkPolicy', group: 'crd.projectcalico.org', version: 'v1', plural: 'networkpolicies', namespaced: true, optional: true, countedAs: 'Calico NetworkPolicy' },
  { kind: 'GlobalNetworkPolicy', group: 'crd.projectcalico.org', version: 'v1', plural: 'globalnetworkpolicies', namespaced: false, optional: true, countedAs: 'Calico GlobalNetworkPolicy' },
  { kind: 'NetworkPolicy', group: 'crd.antrea.io', version: 'v1beta1', plural: 'networkpolicies', namespaced: true, optional: true, countedAs: 'Antrea NetworkPolicy' },
  { kind: 'ClusterNetworkPolicy', group: 'crd.antrea.io', version: 'v1beta1', plural: 'clusternetworkpolicies', namespaced: false, optional: true, countedAs: 'Antrea ClusterNetworkPolicy' },
];

export const groupVersion = (r: Pick<WatchedResource, 'group' | 'version'>) => (r.group ? `${r.group}/${r.version}` : r.version);

/** The collection path of a resource, cluster-wide or in one namespace. */
export function collectionPath(r: WatchedResource, namespace?: string): string {
  const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return namespace && r.namespaced ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${r.plural}` : `${prefix}/${r.plural}`;
}

/** `networkpolicies.networking.k8s.io`, as RBAC and kubectl name a resource. */
export const qualifiedName = (r: Pick<WatchedResource, 'group' | 'plural'>) => (r.group ? `${r.plural}.${r.group}` : r.plural);

/** Kinds that more than one watched resource serves: NetworkPolicy is Kubernetes', Calico's and Antrea's. */
const SHARED_KINDS: ReadonlySet<string> = new Set(WATCHED_RESOURCES.filter((r, i) => WATCHED_RESOURCES.findIndex((o) => o.kind === r.kind) !== i).map((r) => r.kind));

/**
 * The key a watcher gives an object in its changes: `namespace/name` (or `name`), prefixed with the
 * qualified resource where the kind is shared, so that Calico's NetworkPolicy shop/deny and
 * Kubernetes' NetworkPolicy shop/deny never stand for each other.
 */
export function objectKey(r: WatchedResource, namespace: string | undefined, name: string): string {
  const key = namespace ? `${namespace}/${name}` : name;
  return SHARED_KINDS.has(r.kind) ? `${qualifiedName(r)}:${key}` : key;
}

/** How a notice names a resource's objects: `NetworkPolicy`, or `Calico NetworkPolicy` for a CNI's own. */
export const displayKind = (r: WatchedResource) => r.countedAs ?? r.kind;
