import type { Pod, Protocol } from '../../shared/kube';
import type { ConnectionVerdict, SideVerdict } from '../../shared/model';
import type { Direction } from './compilePolicies';
import { allowedPorts, decisionAt, type Endpoint } from './decisions';
import type { PolicyEngine } from './PolicyEngine';
import { PortSet, PROTOCOLS } from './portSet';

export const describeEndpoint = (endpoint: Endpoint) => ('pod' in endpoint ? `pod ${endpoint.pod.metadata.namespace}/${endpoint.pod.metadata.name}` : endpoint.ip);

const HOST_NETWORK = 'it uses its node\'s network (hostNetwork): NetworkPolicy behaviour is undefined there; most CNIs treat it as the node\'s IP, selectable only by ipBlock';

function explainSide(decision: ReturnType<typeof decisionAt>, direction: Direction, pod: Pod, other: Endpoint, what: string): SideVerdict {
  const base = { direction, allowed: decision.allowed, tier: decision.tier, ...(decision.policy ? { policy: decision.policy } : {}), ...(decision.rule ? { rule: decision.rule } : {}) };
  const subject = `pod ${pod.metadata.namespace}/${pod.metadata.name}`;
  const passed = decision.passedBy ? ` (${decision.passedBy.policy} rule "${decision.passedBy.rule}" passed it to the NetworkPolicies)` : '';
  const ambiguous = decision.ambiguousWith?.length ? `${decision.ambiguousWith.join(', ')} has the same priority and also matches; which one applies is undefined` : undefined;
  const undefinedMark = ambiguous ? { undefinedBehaviour: ambiguous } : {};
  const but = ambiguous ? `; but ${ambiguous}` : '';
  switch (decision.tier) {
    case 'self':
      return { ...base, explanation: 'allowed: a pod can always reach itself' };
    case 'node':
      return { ...base, explanation: `allowed: traffic ${direction === 'ingress' ? 'from' : 'to'} ${subject}'s own node (kubelet probes, node agents) is always allowed` };
    case 'host-network':
      return { ...base, explanation: `not judged: ${subject} ${HOST_NETWORK}`, undefinedBehaviour: HOST_NETWORK };
    case 'admin':
      return { ...base, explanation: `${decision.allowed ? 'allowed' : 'denied'} by ${decision.policy} rule "${decision.rule}" (${decision.action})${but}`, ...undefinedMark };
    case 'network-policy':
      return decision.allowed
        ? { ...base, explanation: `allowed by ${decision.policy} rule ${decision.rule}${passed}${but}`, ...undefinedMark }
        : { ...base, explanation: `denied: ${subject} is isolated for ${direction} by ${decision.isolatedBy!.join(', ')}, and no rule of them allows ${describeEndpoint(other)} on ${what}${passed}${but}`, ...undefinedMark };
    case 'baseline':
      return { ...base, explanation: `${decision.allowed ? 'allowed' : 'denied'} by ${decision.policy} rule "${decision.rule}" (${decision.action}), as no NetworkPolicy selects ${subject} for ${direction}${passed}${but}`, ...undefinedMark };
    case 'default':
      return { ...base, explanation: `allowed: no NetworkPolicy selects ${subject} for ${direction} (not isolated)${passed}${but}`, ...undefinedMark };
  }
}

/** A side whose end is an address: no policy of the cluster applies to it. */
const outsideCluster = (direction: Direction, endpoint: Endpoint): SideVerdict => ({
  direction,
  allowed: true,
  tier: 'outside-cluster',
  explanation: `no ${direction} policy applies: ${describeEndpoint(endpoint)} is not a pod Strata knows`,
});

/** Without a port: which ports of the protocol each side allows. */
function portsVerdict(engine: PolicyEngine, source: Endpoint, destination: Endpoint, protocol: Protocol): ConnectionVerdict {
  const whole = PortSet.of(protocol);
  const side = (direction: Direction, subject: Endpoint, other: Endpoint): SideVerdict => {
    if (!('pod' in subject)) return outsideCluster(direction, subject);
    const ports = allowedPorts(engine.evaluateSide(subject.pod, other, direction)).intersect(whole);
    const who = `pod ${subject.pod.metadata.namespace}/${subject.pod.metadata.name}`;
    return { direction, allowed: !ports.isEmpty(), tier: 'ports', explanation: ports.isEmpty() ? `no port given; ${who} allows no ${protocol} port for ${describeEndpoint(other)}` : `no port given; ${who} allows ${ports} for ${describeEndpoint(other)}` };
  };
  const egress = side('egress', source, destination);
  const ingress = side('ingress', destination, source);
  return { allowed: egress.allowed && ingress.allowed, protocol, egress, ingress };
}

/**
 * Whether `connectionVerdict` would allow a connection between two pods on a port, without wording
 * either side: most connections checked are allowed, and only a denied one needs its explanation.
 */
export function connectionAllowed(engine: PolicyEngine, source: Pod, destination: Pod, protocol: string, port: number): boolean {
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) return false;
  const p = protocol as Protocol;
  return engine.allowedSide(source, { pod: destination }, 'egress').has(p, port) && engine.allowedSide(destination, { pod: source }, 'ingress').has(p, port);
}

/**
 * The verdict for one (source, destination, protocol, port), each side with its deciding policy
 * and rule (rule 19). ICMP and other protocols have no defined NetworkPolicy behaviour (rule 18).
 */
export function connectionVerdict(engine: PolicyEngine, source: Endpoint, destination: Endpoint, protocol: string, port?: number): ConnectionVerdict {
  const what = port === undefined ? protocol : `${protocol} ${port}`;
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    const reason = `NetworkPolicy defines only TCP, UDP and SCTP ports; what happens to ${protocol} is up to the CNI`;
    const side = (direction: Direction): SideVerdict => ({ direction, allowed: false, tier: 'undefined-protocol', explanation: `undefined: ${reason}`, undefinedBehaviour: reason });
    return { allowed: false, protocol, egress: side('egress'), ingress: side('ingress') };
  }
  if (port === undefined) return portsVerdict(engine, source, destination, protocol as Protocol);
  const p = protocol as Protocol;
  const egress = 'pod' in source ? explainSide(decisionAt(engine.evaluateSide(source.pod, destination, 'egress'), p, port), 'egress', source.pod, destination, what) : outsideCluster('egress', source);
  const ingress = 'pod' in destination ? explainSide(decisionAt(engine.evaluateSide(destination.pod, source, 'ingress'), p, port), 'ingress', destination.pod, source, what) : outsideCluster('ingress', destination);
  return { allowed: egress.allowed && ingress.allowed, protocol, port, egress, ingress };
}
