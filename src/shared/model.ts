/** The topology Strata draws: plain data shared by the core, both transports and the renderer. */
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
  | 'Workload';

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
