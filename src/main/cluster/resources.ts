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
];

export const groupVersion = (r: Pick<WatchedResource, 'group' | 'version'>) => (r.group ? `${r.group}/${r.version}` : r.version);

/** The collection path of a resource, cluster-wide or in one namespace. */
export function collectionPath(r: WatchedResource, namespace?: string): string {
  const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return namespace && r.namespaced ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${r.plural}` : `${prefix}/${r.plural}`;
}

/** `networkpolicies.networking.k8s.io`, as RBAC and kubectl name a resource. */
export const qualifiedName = (r: WatchedResource) => (r.group ? `${r.plural}.${r.group}` : r.plural);
