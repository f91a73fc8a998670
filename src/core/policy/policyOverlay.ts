import type { Pod, Protocol } from '../../shared/kube';
import type { PolicyOverlay, Topology, TopologyEdge } from '../../shared/model';
import type { PolicyEngine } from './PolicyEngine';

/**
 * The "Policies" layer over a topology: each pod's isolation, a verdict on every EndpointSlice →
 * Pod edge at its targetPort (rule 22) and on every observed flow edge, and, where Hubble saw
 * something the policies would not do, the disagreement and its likely reason.
 */
/** `policyChanges`: policies added, changed or deleted while the drawn traffic was observed (from a recording). */
export function policyOverlay(engine: PolicyEngine, topology: Topology, policyChanges: readonly { id: string; t: number }[] = []): PolicyOverlay {
  const podsById = new Map(engine.pods.map((p) => [`Pod/${p.metadata.namespace}/${p.metadata.name}`, p]));
  const overlay: PolicyOverlay = { options: engine.options, pods: {}, edges: {}, policies: [] };

  for (const [id, pod] of podsById) {
    const isolation = engine.isolation(pod);
    const policies = [...isolation.admin, ...new Set([...isolation.ingress.isolatedBy, ...isolation.egress.isolatedBy]), ...(isolation.baseline ? [isolation.baseline] : [])];
    if (policies.length || pod.spec.hostNetwork) overlay.pods[id] = { ingress: isolation.ingress.isolated, egress: isolation.egress.isolated, policies, ...(pod.spec.hostNetwork ? { hostNetwork: true } : {}) };
  }

  const ids = new Map([...podsById].map(([id, pod]) => [pod, id]));
  const everyPod = [...podsById.keys()];
  for (const policy of engine.policies) {
    const allowed = new Set<Pod>();
    let anyone = false;
    for (const rule of [...policy.rules.ingress, ...policy.rules.egress]) {
      if (rule.action !== 'Allow') continue;
      if (rule.peers === 'any') anyone = true;
      else for (const peer of rule.peers) for (const pod of engine.podsMatching(policy, peer)) allowed.add(pod);
    }
    // In the engine's pod order, so that two runs give the same lists without a sort.
    const allows = anyone ? everyPod : engine.pods.filter((pod) => allowed.has(pod)).map((pod) => ids.get(pod)!);
    overlay.policies.push({ id: policy.id, kind: policy.kind, selects: engine.selectedPods(policy).map((pod) => ids.get(pod)!), allows, problems: policy.problems });
  }

  for (const edge of topology.edges) {
    if (edge.type === 'slice-endpoint') {
      const pod = podsById.get(edge.target);
      const port = edge.ports.find((p) => p.containerPort !== undefined);
      if (pod && port) overlay.edges[edge.id] = judgeBackend(engine, pod, port.protocol, port.containerPort!);
    } else if (edge.type === 'observed' && edge.observed) {
      const judged = judgeObserved(engine, edge, podsById, policyChanges);
      if (judged) overlay.edges[edge.id] = judged;
    }
  }
  return overlay;
}

/** A backend edge: does the pod take this port from anyone, from some sources, or from none? */
function judgeBackend(engine: PolicyEngine, pod: Pod, protocol: Protocol, port: number): PolicyOverlay['edges'][string] {
  const isolation = engine.isolation(pod);
  const where = `${protocol} ${port}`;
  if (!isolation.ingress.isolated && isolation.admin.length === 0 && !isolation.baseline) return { verdict: 'open', explanation: `no policy selects this pod for ingress: ${where} is open to every source` };
  let some = false;
  for (const policy of engine.policiesFor(pod, 'ingress')) {
    for (const rule of policy.rules.ingress) {
      if (rule.action !== 'Allow' || !engine.rulePorts(rule, pod).has(protocol, port)) continue;
      if (rule.peers === 'any' && policy.kind === 'NetworkPolicy' && isolation.admin.length === 0) return { verdict: 'open', explanation: `${policy.id} rule ${rule.name} allows ${where} from every source` };
      some = true;
    }
  }
  return some
    ? { verdict: 'restricted', explanation: `${where} is allowed from some sources only (${isolation.ingress.isolatedBy.concat(isolation.admin).join(', ')}); ask "Can A reach B?" for one` }
    : isolation.ingress.isolated
      ? { verdict: 'denied', explanation: `isolated for ingress by ${isolation.ingress.isolatedBy.join(', ')}, and no rule allows ${where} from anyone: the Service sends traffic here that policies drop` }
      : { verdict: 'restricted', explanation: `${where} is decided by admin policies (${isolation.admin.join(', ')})` };
}

const POLICY_DROPS = new Set(['POLICY_DENIED', 'POLICY_DENY']);

/** An observed edge: what the policies say of that pair and port, and whether Hubble agreed. */
function judgeObserved(engine: PolicyEngine, edge: TopologyEdge, pods: ReadonlyMap<string, Pod>, policyChanges: readonly { id: string; t: number }[]): PolicyOverlay['edges'][string] | undefined {
  const source = pods.get(edge.source);
  const target = pods.get(edge.target);
  const port = edge.ports[0];
  if (!source || !target || port?.containerPort === undefined) return undefined;
  const allowed = engine.evaluate({ pod: source }, { pod: target }).allowed.has(port.protocol, port.containerPort);
  const observed = edge.observed!;
  const verdict = allowed ? 'allowed' : 'denied';
  const explanation = `policies ${verdict === 'allowed' ? 'allow' : 'deny'} ${port.protocol} ${port.containerPort} from ${source.metadata.namespace}/${source.metadata.name}`;
  const policyDrop = observed.verdict === 'DROPPED' && (observed.dropReasons.length === 0 || observed.dropReasons.some((r) => POLICY_DROPS.has(r)));
  const disagrees = (allowed && policyDrop) || (!allowed && observed.verdict === 'FORWARDED');
  // A recorded policy change since this traffic was first seen (the caller passes those within the
  // drawn traffic's time) explains a disagreement best.
  const changed = disagrees ? policyChanges.filter((c) => c.t >= observed.first) : [];
  if (changed.length) {
    const which = changed.map((c) => `${c.id} at ${new Date(c.t).toISOString()}`).join(', ');
    return { verdict, explanation, mismatch: `Hubble ${observed.verdict === 'DROPPED' ? 'dropped' : 'forwarded'} it while NetworkPolicies ${allowed ? 'allow' : 'deny'} it now: a policy changed while this traffic was observed (${which})` };
  }
  if (allowed && policyDrop) {
    return { verdict, explanation, mismatch: 'Hubble dropped it while NetworkPolicies allow it: likely a CNI-specific policy Strata does not model (CiliumNetworkPolicy, Calico\'s own), or a policy that changed within the bucket' };
  }
  if (!allowed && observed.verdict === 'FORWARDED') {
    return { verdict, explanation, mismatch: 'Hubble forwarded it while NetworkPolicies deny it: likely a CNI that does not enforce NetworkPolicy (Flannel), or a policy that changed within the bucket' };
  }
  return { verdict, explanation };
}
