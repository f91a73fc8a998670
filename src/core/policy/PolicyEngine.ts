import type { KubeObject, LabelSelector, Node, Pod } from '../../shared/kube';
import { NAMESPACE_NAME_LABEL } from '../../shared/kube';
import { matchesLabelSelector, selectsEveryPod } from '../selectors';
import { ClusterIndex } from '../topology/ClusterIndex';
import { compileAdminPolicy, compileNetworkPolicy, type CompiledPolicy, type CompiledRule, type Direction, type PeerMatch } from './compilePolicies';
import { allowedPorts, DEFAULT_POLICY_OPTIONS, wholeSide, type Endpoint, type Isolation, type PolicyOptions, type Segment, type SideEvaluation } from './decisions';
import { containsIp, parseIp, type IpRange } from './ipRanges';
import { PortSet } from './portSet';

type ParsedIp = NonNullable<ReturnType<typeof parseIp>>;

/** The enforced policies that select a pod, with what is derived from them on first use. */
interface Selection {
  readonly network: Readonly<Record<Direction, CompiledPolicy[]>>;
  readonly admin: CompiledPolicy[];
  readonly baseline?: CompiledPolicy;
  readonly hostNetwork: boolean;
  isolation?: Isolation;
  policies?: Record<Direction, CompiledPolicy[] | undefined>;
}

/** The enforced policies that can select a namespace's pods; `uniform` when none of them looks at pod labels. */
interface Candidates {
  namespace: string;
  network: CompiledPolicy[];
  admin: CompiledPolicy[];
  baseline?: CompiledPolicy;
  uniform?: Selection;
  /** The selections made for this namespace's pods, by which candidates picked them. */
  made: Map<string, Selection>;
}

function makeSelection(network: CompiledPolicy[], admin: CompiledPolicy[], baseline: CompiledPolicy | undefined, hostNetwork: boolean): Selection {
  return { network: { ingress: network.filter((p) => p.types.ingress), egress: network.filter((p) => p.types.egress) }, admin, ...(baseline ? { baseline } : {}), hostNetwork };
}

/**
 * NetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy evaluation over one cluster
 * state, following the reference rules in docs/policy.md. Built once per state; policies that the
 * API server would reject are kept in `policies` with their problems but not enforced.
 */
export class PolicyEngine {
  readonly options: PolicyOptions;
  readonly policies: CompiledPolicy[] = [];
  readonly pods: Pod[] = [];
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly nodes = new Map<string, Node>();
  private readonly nodeByIp = new Map<string, Node>();
  // Keyed weakly by pod: every pod change brings a new object, and the engine lives until a policy changes.
  private readonly podIps = new WeakMap<Pod, ParsedIp[]>();
  private readonly networkPolicies = new Map<string, CompiledPolicy[]>();
  private readonly adminPolicies: CompiledPolicy[] = [];
  private baseline?: CompiledPolicy;
  private readonly selectionCache = new WeakMap<Pod, Selection>();
  private readonly candidates = new Map<string, Candidates>();
  private lastCandidates?: Candidates;
  private readonly hostNetworkSelection = makeSelection([], [], undefined, true);
  private readonly portCache = new WeakMap<CompiledRule, PortSet | WeakMap<Pod, PortSet>>();

  /** The state judged, for the paths and workloads that queries resolve. */
  readonly objects: readonly KubeObject[];
  private index?: ClusterIndex;

  constructor(objects: Iterable<KubeObject>, options: Partial<PolicyOptions> = {}) {
    this.options = { ...DEFAULT_POLICY_OPTIONS, ...options };
    this.objects = [...objects];
    for (const object of this.objects) {
      switch (object.kind) {
        case 'Namespace':
          this.namespaceLabels.set(object.metadata.name, { ...object.metadata.labels, [NAMESPACE_NAME_LABEL]: object.metadata.name });
          break;
        case 'Node':
          this.nodes.set(object.metadata.name, object);
          for (const a of object.status.addresses) if (a.type === 'InternalIP' || a.type === 'ExternalIP') this.nodeByIp.set(a.address, object);
          break;
        case 'Pod':
          this.pods.push(object);
          break;
        case 'NetworkPolicy':
          this.addPolicy(compileNetworkPolicy(object));
          break;
        case 'AdminNetworkPolicy':
        case 'BaselineAdminNetworkPolicy':
          this.addPolicy(compileAdminPolicy(object));
          break;
        default:
          break;
      }
    }
    // ANPs by priority, then name: a stable order for equal priorities, which are flagged anyway.
    this.adminPolicies.sort((a, b) => a.priority! - b.priority! || (a.name < b.name ? -1 : 1));
  }

  private addPolicy(policy: CompiledPolicy): void {
    this.policies.push(policy);
    if (policy.problems.length) return;
    if (policy.kind === 'NetworkPolicy') {
      const list = this.networkPolicies.get(policy.namespace!) ?? [];
      list.push(policy);
      this.networkPolicies.set(policy.namespace!, list);
    } else if (policy.kind === 'AdminNetworkPolicy') this.adminPolicies.push(policy);
    else this.baseline = policy;
  }

  /** The state by kind and id, built on first use (owners, Services, Ingresses). */
  clusterIndex(): ClusterIndex {
    return (this.index ??= new ClusterIndex({ objects: this.objects }));
  }

  /** A namespace's labels; one known only by reference still carries its name label (rule 12). */
  labelsOfNamespace(namespace: string): Record<string, string> {
    return this.namespaceLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
  }

  /** Namespace selectors are the policies' own objects and Namespace labels are fixed per engine: each is judged once per namespace. */
  private readonly namespaceMatches = new WeakMap<LabelSelector, Map<string, boolean>>();

  private inNamespaces(namespace: string, selector: LabelSelector | 'own', own: string | undefined): boolean {
    if (selector === 'own') return namespace === own;
    let byNamespace = this.namespaceMatches.get(selector);
    if (!byNamespace) this.namespaceMatches.set(selector, (byNamespace = new Map()));
    let matches = byNamespace.get(namespace);
    if (matches === undefined) byNamespace.set(namespace, (matches = matchesLabelSelector(this.labelsOfNamespace(namespace), selector)));
    return matches;
  }

  /** Whether a policy applies to a pod. hostNetwork pods are left out: they have their node's identity (rule 23). */
  selects(policy: CompiledPolicy, pod: Pod): boolean {
    if (!policy.subject || pod.spec.hostNetwork) return false;
    const namespace = pod.metadata.namespace ?? '';
    return this.inNamespaces(namespace, policy.subject.namespaces, policy.namespace) && matchesLabelSelector(pod.metadata.labels, policy.subject.pods);
  }

  /** `namespace/name` of the pods a policy applies to; none when it is not enforced. */
  podsSelectedBy(policyId: string): string[] {
    const policy = this.policies.find((p) => p.id === policyId);
    if (!policy || policy.problems.length) return [];
    return this.selectedPods(policy).map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`);
  }

  private podsByNamespace?: Map<string, Pod[]>;

  /** Pods of the namespaces a selector (or the policy's own namespace) picks: namespaces are judged once each, not per pod. */
  private podsIn(namespaces: LabelSelector | 'own', own: string | undefined): Pod[] {
    if (!this.podsByNamespace) {
      this.podsByNamespace = new Map();
      for (const pod of this.pods) {
        const list = this.podsByNamespace.get(pod.metadata.namespace ?? '') ?? [];
        list.push(pod);
        this.podsByNamespace.set(pod.metadata.namespace ?? '', list);
      }
    }
    if (namespaces === 'own') return this.podsByNamespace.get(own ?? '') ?? [];
    return [...this.podsByNamespace].flatMap(([namespace, pods]) => (this.inNamespaces(namespace, namespaces, own) ? pods : []));
  }

  /** The pods a policy applies to (whether or not it is enforced). */
  selectedPods(policy: CompiledPolicy): Pod[] {
    if (!policy.subject) return [];
    return this.podsIn(policy.subject.namespaces, policy.namespace).filter((pod) => this.selects(policy, pod));
  }

  /** The pods a peer clause names. */
  podsMatching(policy: CompiledPolicy, peer: PeerMatch): Pod[] {
    if (peer.kind === 'pods') return this.podsIn(peer.namespaces, policy.namespace).filter((pod) => this.peerMatches(policy, peer, { pod }));
    if (peer.kind === 'nodes') return this.pods.filter((pod) => this.peerMatches(policy, peer, { pod }));
    // Address peers: only pods whose addresses fall in one of the ranges, found by binary search.
    const found = new Set<Pod>();
    for (const range of peer.kind === 'ipBlock' ? [peer.cidr] : peer.cidrs) for (const pod of this.podsInRange(range)) found.add(pod);
    return [...found].filter((pod) => this.peerMatches(policy, peer, { pod }));
  }

  private byAddress?: { ip: ParsedIp; pod: Pod }[];

  /** Pods with an address in a range, among those ipBlocks can see (see `addressesOf`), by binary search. */
  podsInRange(range: IpRange): Pod[] {
    const sorted = (this.byAddress ??= this.pods
      .flatMap((pod) => this.addressesOf({ pod }).map((ip) => ({ ip, pod })))
      .sort((a, b) => a.ip.family - b.ip.family || (a.ip.value < b.ip.value ? -1 : a.ip.value > b.ip.value ? 1 : 0)));
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const at = sorted[mid].ip;
      if (at.family < range.family || (at.family === range.family && at.value < range.lo)) lo = mid + 1;
      else hi = mid;
    }
    const out: Pod[] = [];
    for (let i = lo; i < sorted.length && sorted[i].ip.family === range.family && sorted[i].ip.value <= range.hi; i++) out.push(sorted[i].pod);
    return out;
  }

  /** The enforced policies whose namespace part picks a namespace: judged once per namespace, not per pod. */
  private candidatesIn(namespace: string): Candidates {
    // Pods are mostly asked about a namespace at a time: the last answer is likely the one.
    if (namespace === this.lastCandidates?.namespace) return this.lastCandidates;
    let found = this.candidates.get(namespace);
    if (found) return (this.lastCandidates = found);
    const network = this.networkPolicies.get(namespace) ?? [];
    const admin = this.adminPolicies.filter((p) => p.subject && this.inNamespaces(namespace, p.subject.namespaces, p.namespace));
    const baseline = this.baseline?.subject && this.inNamespaces(namespace, this.baseline.subject.namespaces, this.baseline.namespace) ? this.baseline : undefined;
    const all = [...network, ...admin, ...(baseline ? [baseline] : [])];
    found = { namespace, network, admin, baseline, made: new Map() };
    // Pod selectors that match every pod (`{}`, the common default-deny): every pod of the namespace has the same selection.
    if (all.every((p) => selectsEveryPod(p.subject!.pods))) found.uniform = makeSelection(network, admin, baseline, false);
    this.candidates.set(namespace, found);
    return (this.lastCandidates = found);
  }

  /** The enforced policies that select a pod. Pods with the same result share one Selection, never changed once made. */
  private selection(pod: Pod): Selection {
    if (pod.spec.hostNetwork) return this.hostNetworkSelection;
    const candidates = this.candidatesIn(pod.metadata.namespace ?? '');
    if (candidates.uniform) return candidates.uniform;
    let cached = this.selectionCache.get(pod);
    if (cached) return cached;
    const { network, admin, baseline } = candidates;
    const labels = pod.metadata.labels;
    // Which candidates pick the pod, one character each: the key of the shared Selection.
    let key = '';
    for (const p of network) key += matchesLabelSelector(labels, p.subject!.pods) ? '1' : '0';
    for (const p of admin) key += matchesLabelSelector(labels, p.subject!.pods) ? '1' : '0';
    if (baseline) key += matchesLabelSelector(labels, baseline.subject!.pods) ? '1' : '0';
    cached = candidates.made.get(key);
    if (!cached) {
      const picked = (list: CompiledPolicy[], from: number) => list.filter((_, i) => key[from + i] === '1');
      cached = makeSelection(picked(network, 0), picked(admin, network.length), baseline && key[key.length - 1] === '1' ? baseline : undefined, false);
      candidates.made.set(key, cached);
    }
    this.selectionCache.set(pod, cached);
    return cached;
  }

  /** The enforced policies that decide a pod's traffic in one direction: its ANPs, isolating NetworkPolicies and the BANP. Shared: do not change it. */
  policiesFor(pod: Pod, direction: Direction): CompiledPolicy[] {
    const selection = this.selection(pod);
    const policies = (selection.policies ??= { ingress: undefined, egress: undefined });
    return (policies[direction] ??= [...selection.admin, ...selection.network[direction], ...(selection.baseline ? [selection.baseline] : [])]);
  }

  /** The enforced policies that select a pod, and whether NetworkPolicies isolate it, per direction (rules 1–3). Shared: do not change it. */
  isolation(pod: Pod): Isolation {
    return this.isolationOf(this.selection(pod));
  }

  /**
   * The isolation of every pod of a namespace that is not on its node's network, when no policy that
   * can select them looks at pod labels; undefined otherwise. A caller asking of each pod of the
   * namespace then asks once.
   */
  uniformIsolation(namespace: string): Isolation | undefined {
    const { uniform } = this.candidatesIn(namespace);
    return uniform && this.isolationOf(uniform);
  }

  private isolationOf(selection: Selection): Isolation {
    if (selection.isolation) return selection.isolation;
    const { network, admin, baseline, hostNetwork } = selection;
    const side = (d: Direction) => ({ isolated: network[d].length > 0, isolatedBy: network[d].map((p) => p.id) });
    return (selection.isolation = { ingress: side('ingress'), egress: side('egress'), admin: admin.map((p) => p.id), ...(baseline ? { baseline: baseline.id } : {}), hostNetwork });
  }

  /** The addresses an endpoint is seen by for ipBlock and networks peers. */
  private addressesOf(endpoint: Endpoint): ParsedIp[] {
    if ('ip' in endpoint) return parseIp(endpoint.ip) ? [parseIp(endpoint.ip)!] : [];
    if (!endpoint.pod.spec.hostNetwork && !this.options.ipBlockMatchesPods) return [];
    // Parsed on first use: many pods are never matched against an ipBlock.
    let ips = this.podIps.get(endpoint.pod);
    if (!ips) this.podIps.set(endpoint.pod, (ips = endpoint.pod.status.podIPs.flatMap((ip) => parseIp(ip) ?? [])));
    return ips;
  }

  private nodeOf(endpoint: Endpoint): Node | undefined {
    if ('ip' in endpoint) return this.nodeByIp.get(endpoint.ip);
    return endpoint.pod.spec.hostNetwork && endpoint.pod.spec.nodeName ? this.nodes.get(endpoint.pod.spec.nodeName) : undefined;
  }

  /** Traffic to and from a pod's own node (kubelet probes, node-local agents) is always allowed (rule 21). */
  private isOwnNode(subject: Pod, other: Endpoint): boolean {
    return !!subject.spec.nodeName && this.nodeOf(other)?.metadata.name === subject.spec.nodeName;
  }

  /** Whether one peer clause of a policy matches the other end of a connection (rules 7–13). */
  peerMatches(policy: CompiledPolicy, peer: PeerMatch, other: Endpoint): boolean {
    switch (peer.kind) {
      case 'pods': {
        if (!('pod' in other) || other.pod.spec.hostNetwork) return false;
        const pod = other.pod;
        return this.inNamespaces(pod.metadata.namespace ?? '', peer.namespaces, policy.namespace) && matchesLabelSelector(pod.metadata.labels, peer.pods);
      }
      case 'ipBlock':
        return this.addressesOf(other).some((ip) => containsIp(peer.cidr, ip) && !peer.except.some((e) => containsIp(e, ip)));
      case 'networks':
        return this.addressesOf(other).some((ip) => peer.cidrs.some((c) => containsIp(c, ip)));
      case 'nodes': {
        const node = this.nodeOf(other);
        return node !== undefined && matchesLabelSelector(node.metadata.labels, peer.nodes);
      }
    }
  }

  private ruleMatches(policy: CompiledPolicy, rule: CompiledRule, other: Endpoint): boolean {
    return rule.peers === 'any' || rule.peers.some((peer) => this.peerMatches(policy, peer, other));
  }

  /** The ports a rule names, with named ports resolved on the destination pod (rules 14–16). */
  rulePorts(rule: CompiledRule, destination: Pod | undefined): PortSet {
    if (rule.ports === 'any') return PortSet.ALL;
    const cached = this.portCache.get(rule);
    if (cached instanceof PortSet) return cached;
    if (cached && destination && cached.has(destination)) return cached.get(destination)!;
    let named = false;
    let ports = PortSet.EMPTY;
    for (const p of rule.ports) {
      if ('name' in p) {
        named = true;
        for (const container of destination?.spec.containers ?? []) {
          for (const cp of container.ports) if (cp.name === p.name && (!p.protocol || cp.protocol === p.protocol)) ports = ports.union(PortSet.of(cp.protocol, cp.containerPort));
        }
      } else {
        ports = ports.union(PortSet.of(p.protocol, p.port, p.port === undefined ? undefined : this.options.enforceEndPort ? (p.endPort ?? p.port) : p.port));
      }
    }
    if (!named) this.portCache.set(rule, ports);
    else if (destination) {
      const perPod = cached instanceof WeakMap ? cached : new WeakMap<Pod, PortSet>();
      perPod.set(destination, ports);
      this.portCache.set(rule, perPod);
    }
    return ports;
  }

  /**
   * One direction of a connection, judged for the pod on that side: `subject` sends (egress) or
   * receives (ingress), and `other` is the far end. Tiers in order (rule 29): ANP by priority and
   * rule order, NetworkPolicy (additive), BANP, default allow.
   */
  evaluateSide(subject: Pod, other: Endpoint, direction: Direction): SideEvaluation {
    if ('pod' in other && other.pod === subject) return wholeSide(direction, { allowed: true, tier: 'self' });
    if (this.isOwnNode(subject, other)) return wholeSide(direction, { allowed: true, tier: 'node' });
    if (subject.spec.hostNetwork) return wholeSide(direction, { allowed: true, tier: 'host-network' });

    const destination = direction === 'ingress' ? subject : 'pod' in other ? other.pod : undefined;
    const { network, admin } = this.selection(subject);
    const segments: Segment[] = [];
    const passes: SideEvaluation['passes'] = [];
    let undecided = PortSet.ALL;

    for (const policy of admin) {
      for (const rule of policy.rules[direction]) {
        if (undecided.isEmpty()) break;
        if (!this.ruleMatches(policy, rule, other)) continue;
        const ports = this.rulePorts(rule, destination).intersect(undecided);
        if (ports.isEmpty()) continue;
        undecided = undecided.subtract(ports);
        const rivals = admin.filter((p) => p !== policy && p.priority === policy.priority && p.rules[direction].some((r) => this.ruleMatches(p, r, other) && !this.rulePorts(r, destination).intersect(ports).isEmpty()));
        if (rule.action === 'Pass') {
          passes.push({ ports, policy: policy.id, rule: rule.name, ...(rivals.length ? { ambiguousWith: rivals.map((p) => p.id) } : {}) });
          continue;
        }
        segments.push({ ports, decision: { allowed: rule.action === 'Allow', tier: 'admin', policy: policy.id, rule: rule.name, action: rule.action, ...(rivals.length ? { ambiguousWith: rivals.map((p) => p.id) } : {}) } });
      }
    }
    // Passed ports were taken out of `undecided` only to stop later ANP rules; the NetworkPolicies decide them.
    let left = passes.reduce((all, p) => all.union(p.ports), undecided);
    if (left.isEmpty()) return { direction, segments, passes };

    const isolating = network[direction];
    if (isolating.length > 0) {
      for (const policy of isolating) {
        for (const rule of policy.rules[direction]) {
          if (left.isEmpty() || !this.ruleMatches(policy, rule, other)) continue;
          const ports = this.rulePorts(rule, destination).intersect(left);
          if (ports.isEmpty()) continue;
          left = left.subtract(ports);
          segments.push({ ports, decision: { allowed: true, tier: 'network-policy', policy: policy.id, rule: rule.name, action: 'Allow' } });
        }
      }
      if (!left.isEmpty()) segments.push({ ports: left, decision: { allowed: false, tier: 'network-policy', isolatedBy: isolating.map((p) => p.id) } });
      return { direction, segments, passes };
    }

    const baseline = this.selection(subject).baseline;
    for (const rule of baseline?.rules[direction] ?? []) {
      if (left.isEmpty() || !this.ruleMatches(baseline!, rule, other)) continue;
      const ports = this.rulePorts(rule, destination).intersect(left);
      if (ports.isEmpty()) continue;
      left = left.subtract(ports);
      segments.push({ ports, decision: { allowed: rule.action === 'Allow', tier: 'baseline', policy: baseline!.id, rule: rule.name, action: rule.action } });
    }
    if (!left.isEmpty()) segments.push({ ports: left, decision: { allowed: true, tier: 'default' } });
    return { direction, segments, passes };
  }

  /**
   * Only the allowed ports of one side, for the connectivity list. Without admin policies this is
   * a union of rule ports; with them it is the full evaluation.
   */
  allowedSide(subject: Pod, other: Endpoint, direction: Direction): PortSet {
    const { network, admin } = this.selection(subject);
    if (admin.length > 0 || this.baseline || subject.spec.hostNetwork || ('pod' in other && other.pod === subject)) return allowedPorts(this.evaluateSide(subject, other, direction));
    if (this.isOwnNode(subject, other)) return PortSet.ALL;
    const isolating = network[direction];
    if (isolating.length === 0) return PortSet.ALL;
    const destination = direction === 'ingress' ? subject : 'pod' in other ? other.pod : undefined;
    let ports = PortSet.EMPTY;
    for (const policy of isolating) {
      for (const rule of policy.rules[direction]) {
        if (ports.isAll()) return ports;
        if (this.ruleMatches(policy, rule, other)) ports = ports.union(this.rulePorts(rule, destination));
      }
    }
    return ports;
  }

  /** The address ranges that can change a pod's verdicts in one direction: its policies' ipBlocks and networks. */
  addressRangesFor(subject: Pod, direction: Direction): IpRange[] {
    const ranges: IpRange[] = [];
    for (const policy of this.policiesFor(subject, direction)) {
      for (const rule of policy.rules[direction]) {
        if (rule.peers === 'any') continue;
        for (const peer of rule.peers) {
          if (peer.kind === 'ipBlock') ranges.push(peer.cidr, ...peer.except);
          else if (peer.kind === 'networks') ranges.push(...peer.cidrs);
          else if (peer.kind === 'nodes') {
            for (const address of this.nodeByIp.keys()) {
              const ip = parseIp(address);
              if (ip) ranges.push({ family: ip.family, lo: ip.value, hi: ip.value });
            }
          }
        }
      }
    }
    return ranges;
  }

  /** Both sides of a connection from `source` to `destination` (rule 19); a side with no pod has no policy. */
  evaluate(source: Endpoint, destination: Endpoint): { egress?: SideEvaluation; ingress?: SideEvaluation; allowed: PortSet } {
    const egress = 'pod' in source ? this.evaluateSide(source.pod, destination, 'egress') : undefined;
    const ingress = 'pod' in destination ? this.evaluateSide(destination.pod, source, 'ingress') : undefined;
    const allowed = (egress ? allowedPorts(egress) : PortSet.ALL).intersect(ingress ? allowedPorts(ingress) : PortSet.ALL);
    return { ...(egress ? { egress } : {}), ...(ingress ? { ingress } : {}), allowed };
  }
}
