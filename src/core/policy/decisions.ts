import type { Pod, Protocol } from '../../shared/kube';
import type { Direction, RuleAction } from './compilePolicies';
import { PortSet } from './portSet';

// What a policy evaluation answers: the decision per port range, and a pod's isolation.

/** The cluster-dependent choices the API leaves open, made explicit (rules 11 and 16). */
export interface PolicyOptions {
  /** Whether an ipBlock (and an ANP `networks` peer) matches pod IPs. The upstream e2e suite expects it to; Cilium does not. */
  ipBlockMatchesPods: boolean;
  /** Whether endPort is enforced; a CNI without endPort support enforces only `port`. */
  enforceEndPort: boolean;
}

export const DEFAULT_POLICY_OPTIONS: PolicyOptions = { ipBlockMatchesPods: true, enforceEndPort: true };

/** One end of a connection: a pod, or an address (external, a node, or an address Strata cannot place). */
export type Endpoint = { pod: Pod } | { ip: string };

/** What decided a set of ports in one direction. */
export interface Decision {
  allowed: boolean;
  /**
   * self: a pod reaching itself; node: the pod's own node (kubelet probes); host-network: the pod
   * uses its node's network, where policy behaviour is undefined; admin and baseline: an ANP or
   * the BANP rule; network-policy: an allowing NetworkPolicy rule, or the isolation that denies;
   * default: nothing selects the pod, so everything is allowed.
   */
  tier: 'self' | 'node' | 'host-network' | 'admin' | 'network-policy' | 'baseline' | 'default';
  policy?: string;
  rule?: string;
  action?: RuleAction;
  /** The NetworkPolicies that isolate the pod in this direction. */
  isolatedBy?: string[];
  /** AdminNetworkPolicies of the same priority that also match these ports: the result is undefined (rule 25). */
  ambiguousWith?: string[];
}

export interface Segment {
  ports: PortSet;
  decision: Decision;
}

/** One direction's evaluation, for every port at once. */
export interface SideEvaluation {
  direction: Direction;
  segments: Segment[];
  /** Ports an ANP rule passed down to the NetworkPolicies (rule 27); `ambiguousWith` as for a Decision. */
  passes: { ports: PortSet; policy: string; rule: string; ambiguousWith?: string[] }[];
}

export const allowedPorts = (side: SideEvaluation): PortSet => side.segments.reduce((all, s) => (s.decision.allowed ? all.union(s.ports) : all), PortSet.EMPTY);

/** A pod's policies per direction and whether NetworkPolicies isolate it (see `PolicyEngine.isolation`). */
export type Isolation = Record<Direction, { isolated: boolean; isolatedBy: string[] }> & { admin: string[]; baseline?: string; hostNetwork: boolean };

/** One decision for every port. */
export function wholeSide(direction: Direction, decision: Decision): SideEvaluation {
  return { direction, segments: [{ ports: PortSet.ALL, decision }], passes: [] };
}

/** The decision for one port, with the ANP that passed it down if one did. */
export function decisionAt(side: SideEvaluation, protocol: Protocol, port: number): Decision & { passedBy?: { policy: string; rule: string } } {
  const segment = side.segments.find((s) => s.ports.has(protocol, port))!;
  const pass = side.passes.find((p) => p.ports.has(protocol, port));
  if (!pass) return segment.decision;
  // A Pass whose priority another ANP shares is as undefined as an Allow or Deny would be.
  return { ...segment.decision, passedBy: { policy: pass.policy, rule: pass.rule }, ...(pass.ambiguousWith ? { ambiguousWith: pass.ambiguousWith } : {}) };
}
