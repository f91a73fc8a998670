/** The topology Strata draws: plain data shared by the core, both transports and the renderer. */
import type { Severity } from './diagnostics';
import type { EndpointConditions, Protocol } from './kube';

export type TopologyNodeKind =
  | 'Namespace'
  | 'Ingress'
  | 'Gateway'
  | 'HTTPRoute'
  | 'GRPCRoute'
  | 'Service'
  | 'EndpointSlice'
  | 'Pod'
  | 'Node'
  | 'External'
  | 'Workload'
  /** Groups a view draws in place of many objects (see view.ts): every Node, or the Nodes of a zone. */
  | 'Nodes'
  | 'Zone';

export interface TopologyNode {
  /** `Kind/namespace/name`, or `Kind/name` when cluster-scoped; workloads use their own kind (`Deployment/shop/web`). */
  id: string;
  kind: TopologyNodeKind;
  name: string;
  namespace?: string;
  /** For kind Workload: Deployment, StatefulSet, DaemonSet, … */
  workloadKind?: string;
  /** The id of the workload node that owns a pod. */
  workload?: string;
  labels?: Record<string, string>;
  /** Made up by Strata (offline pods, derived EndpointSlices), not observed in a cluster. */
  synthesized?: boolean;
  /** Referenced but not present; `missingReason` says who referenced it. */
  missing?: boolean;
  missingReason?: string;
  /** Short facts shown under the name and in the details panel: `ClusterIP 10.96.0.12`, `Running`, … */
  facts: Record<string, string | number | boolean | string[]>;
  /** What is wrong with this object that the picture alone would not show. */
  problems: string[];
  /** The diagnostics' findings whose subject is this object (docs/diagnostics.md), most severe first. */
  findings?: NodeFinding[];
}

/** A finding as a node carries it; the Problems panel has the whole finding by its key. */
export interface NodeFinding {
  key: string;
  rule: string;
  severity: Severity;
  message: string;
}

export type TopologyEdgeType =
  | 'ingress-backend'
  | 'gateway-route'
  | 'route-backend'
  | 'load-balancer'
  | 'service-slice'
  | 'slice-endpoint'
  | 'pod-node'
  | 'external-name'
  | 'observed';

/** What flowed along an observed edge in the window it was drawn for. */
export interface ObservedTraffic {
  /** FORWARDED or DROPPED: dropped traffic gets an edge of its own, drawn differently. */
  verdict: 'FORWARDED' | 'DROPPED';
  /** Flows per verdict (AUDIT, REDIRECTED, … fold into the forwarded edge). */
  counts: Record<string, number>;
  count: number;
  ratePerSecond: number;
  dropReasons: string[];
  /** The policies Hubble says decided (`namespace/name`). */
  policies: string[];
  /** Services the client addressed. */
  services: string[];
  first: number;
  last: number;
}

/** One port an edge stands for, resolved as far as the objects allow. */
export interface PortMapping {
  /** The Service port a client connects to. */
  port?: number;
  name?: string;
  protocol: Protocol;
  /** The Service's targetPort as written: a number or the name of a container port. */
  targetPort?: number | string;
  /** The number the pod listens on, resolved per pod; absent when a named targetPort names no container port. */
  containerPort?: number;
  nodePort?: number;
}

export interface TopologyEdge {
  /** `type:source->target`, plus a discriminator when one pair has several edges of a type. */
  id: string;
  source: string;
  target: string;
  type: TopologyEdgeType;
  ports: PortMapping[];
  /** Ingress rule host and path, or the route's hostnames. */
  host?: string;
  path?: string;
  defaultBackend?: boolean;
  /** HTTPRoute/GRPCRoute backend weight. */
  weight?: number;
  /** EndpointSlice endpoint conditions. */
  conditions?: EndpointConditions;
  /** For `observed` edges: the traffic seen. */
  observed?: ObservedTraffic;
  problems: string[];
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

/** The "Policies" layer: computed on request over what is drawn (live, replayed or offline). */
export interface PolicyOverlay {
  /** The cluster-dependent choices in force: whether ipBlock matches pod IPs, whether endPort is enforced. */
  options: { ipBlockMatchesPods: boolean; enforceEndPort: boolean };
  /** Pods that some policy selects (or that use the host network), by pod id. */
  pods: Record<string, { ingress: boolean; egress: boolean; policies: string[]; hostNetwork?: boolean }>;
  /**
   * By edge id. Backend edges: open (from anyone), restricted (from some sources) or denied (from
   * none) at the targetPort. Observed edges: allowed or denied for that pair, and `mismatch` when
   * Hubble's verdict disagrees, with the likely reason.
   */
  edges: Record<string, { verdict: 'open' | 'restricted' | 'denied' | 'allowed'; explanation: string; mismatch?: string }>;
  /** Every policy: the pods it selects, the pods its Allow rules name as peers, and why the API server would reject it. */
  policies: { id: string; kind: string; selects: string[]; allows: string[]; problems: string[] }[];
  /** For a view (see view.ts): how many pods each folded aggregate holds that are isolated, by direction. */
  aggregates?: Record<string, { ingress: number; egress: number }>;
}

/** "Can A reach B?" — one side of a connection for one port, in words a responder can act on. */
export interface SideVerdict {
  direction: 'ingress' | 'egress';
  allowed: boolean;
  /** What decided: self, node, host-network, admin, network-policy, baseline, default, outside-cluster, undefined-protocol, or ports (no port was given: the allowed ports are listed). */
  tier: string;
  policy?: string;
  rule?: string;
  explanation: string;
  /** Set when the outcome depends on the implementation (same-priority ANPs, hostNetwork, ICMP). */
  undefinedBehaviour?: string;
}

export interface ConnectionVerdict {
  allowed: boolean;
  protocol: string;
  port?: number;
  egress: SideVerdict;
  ingress: SideVerdict;
}

export interface ReachCheck {
  /** Which leg of the path: `to ingress controller`, `to backend`, `to pod` or `to address`. */
  leg: string;
  source: string;
  destination: string;
  protocol: string;
  port?: number;
  verdict: ConnectionVerdict;
}

/** The outcome of a reach question, in words, for every place that shows it. */
export const REACH_OUTCOMES: Record<ReachResult['outcome'], string> = { all: 'Allowed', none: 'Denied', some: 'Allowed for some backends only', unknown: 'Nothing to check' };

/** One hop of a request's walk through the layers, as presenter mode steps through it. */
export interface ReachStep {
  layer: 'source' | 'ingress' | 'gateway' | 'ingress-controller' | 'service' | 'target-port' | 'endpoint-slice' | 'pod' | 'node' | 'address';
  /** The topology ids of the objects this hop stands for (a missing object's id too: the picture draws it). */
  ids: string[];
  /** What happens at this hop, with the ports resolved. */
  caption: string;
  /** The policy checks decided at this hop, one line each, naming the deciding policy. */
  verdicts: string[];
}

export interface ReachResult {
  /** The resolved path, one line per hop. */
  hops: string[];
  /** The same path by layer (Ingress → Service port → targetPort → EndpointSlice → Pod → Node), with what each hop highlights. */
  walk: ReachStep[];
  checks: ReachCheck[];
  /** `all` when every check allows, `none` when none does, `some` in between; `unknown` when nothing could be checked. */
  outcome: 'all' | 'some' | 'none' | 'unknown';
  notes: string[];
}


export interface ReachQuery {
  /** `ns/name` of a pod or workload, a topology id (`Pod/ns/name`, `Deployment/ns/name`), or an IP. */
  from: string;
  /** A pod, a Service (`Service/ns/name` or `ns/name`), or an Ingress URL (`http://host/path`). */
  to: string;
  /** The port as the source addresses it: the Service port for a Service, the pod port for a pod. */
  port?: number;
  protocol?: string;
}

