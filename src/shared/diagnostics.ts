/**
 * Findings: what Strata knows is wrong between the layers, named, ranked and explained. Plain data
 * shared by the core's rules, the backend, the CLI and the renderer (docs/diagnostics.md).
 */

export type Severity = 'error' | 'warning' | 'info';

/** Most severe first: the order findings are listed in and thresholds compare by. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Where in the stack a finding sits; the Problems panel groups by it. */
export type FindingLayer = 'entry' | 'service' | 'endpoints' | 'pods' | 'nodes' | 'policy' | 'dns' | 'cluster';

export const FINDING_LAYERS: readonly FindingLayer[] = ['entry', 'service', 'endpoints', 'pods', 'nodes', 'policy', 'dns', 'cluster'];

/** One fact a finding rests on: the field read and the value found there. */
export interface Evidence {
  /** `Service shop/cart spec.selector`, `EndpointSlice shop/cart-x7 endpoints[].conditions.ready`, … */
  field: string;
  value: string;
}

export interface Finding {
  /** The rule's stable id, e.g. `svc.selector.no-pods`. */
  rule: string;
  /** Stable across revisions while the same thing stays wrong: the rule, the subject and, where one object has several, what is wrong. */
  key: string;
  severity: Severity;
  layer: FindingLayer;
  /** One sentence naming the objects. */
  message: string;
  evidence: Evidence[];
  /** What to do about it. */
  hint: string;
  /** The ids of the objects involved (`Kind/namespace/name`), the subject first. */
  objects: string[];
}

/** A finding over a recording: when it was first seen and, if it went away, when. */
export interface FindingSpan {
  finding: Finding;
  firstSeen: number;
  /** It was there when the recording starts: it began earlier, at a time the recording does not know. */
  presentAtStart?: boolean;
  cleared?: number;
  /** What changed when it appeared, e.g. "Deployment shop/cart's template labels changed from app=cart to app=carts". */
  cause?: string;
}

/** What a CNI is and whether it enforces NetworkPolicy, from its DaemonSets. */
export interface DetectedCni {
  name: string;
  /** `unknown` where only a ConfigMap would tell (Strata reads none). */
  enforcesNetworkPolicy: boolean | 'unknown';
  /** The DaemonSets (`namespace/name`) and containers it was recognised by. */
  evidence: string[];
  note?: string;
}

/** The cluster's network stack as far as its objects show it (docs/diagnostics.md, "Cluster profile"). */
export interface ClusterProfile {
  cni: DetectedCni[];
  /** Whether NetworkPolicies are enforced at all, from the CNIs found. */
  policyEnforcement: 'enforced' | 'not-enforced' | 'unknown';
  kubeProxy: { state: 'running' | 'replaced' | 'not-found'; mode?: string; evidence: string[]; note: string };
  dns: {
    provider: 'CoreDNS' | 'kube-dns' | 'none';
    /** The DNS Service (`kube-system/kube-dns`), its ready endpoints, and NodeLocal DNSCache's address where its DaemonSet shows it. */
    service?: string;
    readyEndpoints: number;
    nodeLocal?: { daemonSet: string; address?: string };
  };
  meshes: {
    mesh: 'Istio' | 'Linkerd';
    /** Namespaces in the mesh, how (sidecar or ambient), with the revision and the pods that carry a sidecar. */
    namespaces: { namespace: string; mode: 'sidecar' | 'ambient'; revision?: string; sidecarPods: number }[];
    ambient?: boolean;
  }[];
  ingressControllers: { ingressClass: string; controller: string; isDefault: boolean }[];
  gatewayControllers: { gatewayClass: string; controllerName: string; accepted: boolean | null }[];
  /** CNI policies Strata counts but does not evaluate, by kind. */
  unmodelledPolicies: { kind: string; count: number }[];
}

/** Findings and the profile of one moment. */
export interface Diagnosis {
  findings: Finding[];
  profile: ClusterProfile;
}
