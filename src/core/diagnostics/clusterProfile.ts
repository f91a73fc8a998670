import type { ClusterProfile } from '../../shared/diagnostics';
import type { KubeObject, Pod } from '../../shared/kube';

/** Kinds the profile is worked out from: a change to one recomputes it. */
export const PROFILE_KINDS: ReadonlySet<string> = new Set(['DaemonSet', 'IngressClass', 'GatewayClass', 'UnmodelledPolicy']);
/** Namespaces whose objects the profile reads (the DNS Service and its EndpointSlices). */
export const PROFILE_NAMESPACES: ReadonlySet<string> = new Set(['kube-system']);

export interface NamespaceMesh {
  namespace: string;
  mesh: 'Istio' | 'Linkerd';
  mode: 'sidecar' | 'ambient';
  revision?: string;
  sidecarPods: number;
}

export interface ProfileInput {
  /** Every object of one of PROFILE_KINDS. */
  objectsOfKind(kind: string): readonly KubeObject[];
  /** Every object of one namespace. */
  namespaceObjects(namespace: string): readonly KubeObject[];
}

export function clusterProfile(_input: ProfileInput): ClusterProfile {
  return { cni: [], policyEnforcement: 'unknown', kubeProxy: { state: 'not-found', evidence: [], note: '' }, dns: { provider: 'none', readyEndpoints: 0 }, meshes: [], ingressControllers: [], gatewayControllers: [], unmodelledPolicies: [] };
}

export function namespaceMesh(_namespace: string, _pods: readonly Pod[], _labels: Readonly<Record<string, string>>): NamespaceMesh[] {
  return [];
}

export function meshProfile(_summaries: readonly NamespaceMesh[], _input: ProfileInput): ClusterProfile['meshes'] {
  return [];
}
