import type { KubeObject, Pod, Protocol } from '../../shared/kube';
import type { PolicyOverlay, Topology, TopologyEdge } from '../../shared/model';
import type { PolicyEngine } from './PolicyEngine';

type PodMark = PolicyOverlay['pods'][string];
type EdgeMark = PolicyOverlay['edges'][string];

/** What a pod's mark and a backend edge's verdict read besides the pod: the policies and the Namespaces' labels (and the options). */
const POLICY_INPUT_KINDS: ReadonlySet<string> = new Set(['NetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'Namespace']);

/**
 * The Policies layer kept from one state to the next, like the connectivity cache. A pod's mark
 * and a backend edge's verdict read only the pod, the port and the policy inputs (never other
 * pods, nor Nodes): while the policy inputs are the same objects, what was worked out for a pod
 * that is the same object is kept. At 150,000 pods a revision then judges the pods that changed,
 * not every pod again.
 */
export class PolicyOverlayCache {
  private inputs: readonly KubeObject[] = [];
  private options = '';
  private readonly podIds = new WeakMap<Pod, string>();
  private podMarks = new WeakMap<Pod, PodMark | null>();
  private backendMarks = new WeakMap<Pod, Map<string, EdgeMark>>();

  /** Starts a layer for an engine: what was kept holds only when its policy inputs and options are the ones before. */
  begin(engine: PolicyEngine): void {
    const inputs = engine.objects.filter((object) => POLICY_INPUT_KINDS.has(object.kind));
    const options = JSON.stringify(engine.options);
    if (options === this.options && inputs.length === this.inputs.length && inputs.every((object, i) => object === this.inputs[i])) return;
    this.inputs = inputs;
    this.options = options;
    this.podMarks = new WeakMap();
    this.backendMarks = new WeakMap();
  }

  podId(pod: Pod): string {
    let id = this.podIds.get(pod);
    if (id === undefined) this.podIds.set(pod, (id = `Pod/${pod.metadata.namespace}/${pod.metadata.name}`));
    return id;
  }

  podMark(pod: Pod, judge: () => PodMark | undefined): PodMark | undefined {
    let mark = this.podMarks.get(pod);
    if (mark === undefined) this.podMarks.set(pod, (mark = judge() ?? null));
    return mark ?? undefined;
  }

  /** A backend edge's verdict reads only its pod and the port (and the policy inputs): edges rebuilt with their namespace keep it. */
  backendMark(pod: Pod, protocol: Protocol, port: number, judge: () => EdgeMark): EdgeMark {
    let byPort = this.backendMarks.get(pod);
    if (!byPort) this.backendMarks.set(pod, (byPort = new Map()));
    const key = `${protocol} ${port}`;
    let mark = byPort.get(key);
    if (!mark) byPort.set(key, (mark = judge()));
    return mark;
  }
}

/**
 * The "Policies" layer over a topology: each pod's isolation, a verdict on every EndpointSlice →
 * Pod edge at its targetPort (rule 22) and on every observed flow edge, and, where Hubble saw
 * something the policies would not do, the disagreement and its likely reason.
 * `policyChanges`: policies added, changed or deleted while the drawn traffic was observed (from a
 * recording). `cache`: what the layer of the state before worked out (see PolicyOverlayCache).
 */
export function policyOverlay(engine: PolicyEngine, topology: Topology, policyChanges: readonly { id: string; t: number }[] = [], cache = new PolicyOverlayCache()): PolicyOverlay {
  cache.begin(engine);
  const podsById = new Map<string, Pod>();
  for (const pod of engine.pods) podsById.set(cache.podId(pod), pod);
  const overlay: PolicyOverlay = { options: engine.options, pods: {}, edges: {}, policies: [] };

  for (const [id, pod] of podsById) {
    const mark = cache.podMark(pod, () => {
      const isolation = engine.isolation(pod);
      const policies = [...isolation.admin, ...new Set([...isolation.ingress.isolatedBy, ...isolation.egress.isolatedBy]), ...(isolation.baseline ? [isolation.baseline] : [])];
      return policies.length || pod.spec.hostNetwork ? { ingress: isolation.ingress.isolated, egress: isolation.egress.isolated, policies, ...(pod.spec.hostNetwork ? { hostNetwork: true } : {}) } : undefined;
    });
    if (mark) overlay.pods[id] = mark;
  }

  const everyPod = [...podsById.keys()];
  for (const policy of engine.policies) {
    const allowed = new Set<Pod>();
    let anyone = false;
    for (const rule of [...policy.rules.ingress, ...policy.rules.egress]) {
      if (rule.action !== 'Allow') continue;
      if (rule.peers === 'any') anyone = true;
      else for (const peer of rule.peers) for (const pod of engine.podsMatching(policy, peer)) allowed.add(pod);
    }
    // In the order the rules name them, the same for the same state; not filtered from every pod
    // in the engine's order: that was a pass over every pod per policy (9 s at 150,000 pods and 1,000 policies).
    const allows = anyone ? everyPod : [...allowed].map((pod) => cache.podId(pod));
    overlay.policies.push({ id: policy.id, kind: policy.kind, selects: engine.selectedPods(policy).map((pod) => cache.podId(pod)), allows, problems: policy.problems });
  }

  for (const edge of topology.edges) {
    if (edge.type === 'slice-endpoint') {
      const pod = podsById.get(edge.target);
      const port = edge.ports.find((p) => p.containerPort !== undefined);
      if (pod && port) overlay.edges[edge.id] = cache.backendMark(pod, port.protocol, port.containerPort!, () => judgeBackend(engine, pod, port.protocol, port.containerPort!));
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
