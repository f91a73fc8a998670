import type { ClusterProfile, Diagnosis, Finding } from '../../shared/diagnostics';
import { SEVERITIES, FINDING_LAYERS } from '../../shared/diagnostics';
import type { ClusterState, KubeKind, KubeObject, ObjectChange, Pod } from '../../shared/kube';
import { idOf } from '../../shared/kube';
import { CLUSTER_PART, NamespaceParts } from '../kube/NamespaceParts';
import { POD_ROLES, podRole, type PodRole } from '../kube/wellKnownPods';
import { PolicyEngine } from '../policy/PolicyEngine';
import { clusterProfile, meshProfile, namespaceMesh, PROFILE_KINDS, PROFILE_NAMESPACES, type NamespaceMesh } from './clusterProfile';
import { CLUSTER_POLICY_READ, DiagnosticContext, findingKey, groupByKind, policyRead, type AnyRule, type DiagnosticSources, type FindingDraft } from './DiagnosticContext';
import { RULES } from './rules';

/** Kinds the policy engine is built from; a change to one rebuilds it. */
const POLICY_KINDS: ReadonlySet<string> = new Set(['NetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'Namespace', 'Node']);
/** Of those, the ones that change a verdict between pods (a Node's status does not). */
const VERDICT_KINDS: ReadonlySet<string> = new Set(['NetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'Namespace']);
/** How often rules that compare with the clock ("pending for more than 5 minutes") are re-checked. */
const TIME_RECHECK_MS = 60_000;

interface Part {
  findings: Finding[];
  meshes: NamespaceMesh[];
  checkedAt: number;
}

/** `defer`: the namespaces a batch reaches wait to be checked (see `checkWaiting`), instead of being checked at once. */
export interface CheckOptions {
  defer?: boolean;
}

export interface DiagnosticsOptions {
  rules?: readonly AnyRule[];
  /** The time findings are for; recordings pass the moment replayed. */
  clock?: () => number;
  /** The namespaces a scoped source sees (`-n`); every namespace when absent. */
  namespaces?: readonly string[];
}

/**
 * Whether applying changes re-checks only the namespaces they are in: none is cluster-scoped, a
 * policy, something the cluster profile reads, or in a namespace the profile reads. Those are
 * cheap to judge at once; the others can re-check every namespace that reads a verdict.
 */
export function judgedLocally(changes: readonly ObjectChange[]): boolean {
  return changes.every(({ object }) => {
    const namespace = object.metadata.namespace;
    return namespace !== undefined && !POLICY_KINDS.has(object.kind) && !PROFILE_KINDS.has(object.kind) && !PROFILE_NAMESPACES.has(namespace);
  });
}

/** Whether a Node's labels or addresses differ between two versions (either may be absent). */
function nodeIdentityChanged(before: KubeObject | undefined, after: KubeObject | undefined): boolean {
  const identity = (o: KubeObject | undefined) => (o?.kind === 'Node' ? JSON.stringify([o.metadata.labels ?? {}, o.status.addresses]) : '');
  return identity(before) !== identity(after);
}

/** What a batch of changes touched besides the namespaces they are in. */
interface Touched {
  /** Something the cluster profile reads. */
  profile: boolean;
  /** Something a policy verdict reads: every reader of the whole engine is re-checked. */
  verdicts: boolean;
  /** Cluster-wide policies, Namespaces or a Node's identity: verdicts on any pod. */
  clusterVerdicts: boolean;
  /** The namespaces whose NetworkPolicies changed. */
  policyNamespaces: Set<string>;
}

const severityRank = (f: Finding) => SEVERITIES.indexOf(f.severity);
const layerRank = (f: Finding) => FINDING_LAYERS.indexOf(f.layer);

/** Most severe first, then by layer from the entry down, then by key: a stable order. */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(a) - severityRank(b) || layerRank(a) - layerRank(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Every rule over a cluster, kept up to date one namespace at a time like the topology: a change
 * re-checks the namespace it is in and the namespaces whose rules read it (a route's backend in
 * another namespace, the policies, the Ingress controllers' pods). At 150,000 pods a change then
 * costs its namespace, not the cluster.
 */
export class IncrementalDiagnostics {
  private readonly state = new NamespaceParts();
  private readonly parts = new Map<string, Part>();
  private readonly rulesByKind = new Map<string, AnyRule[]>();
  private readonly roles = new Map<PodRole, Map<string, Pod>>(POD_ROLES.map((r) => [r, new Map()]));
  private readonly roleLists = new Map<PodRole, Pod[]>();
  private readonly roleByNode = new Map<PodRole, Map<string, Pod[]>>();
  /** The role of each pod that plays one. */
  private readonly roleOf = new Map<string, PodRole>();
  /** The objects of the kinds the profile reads, kept as they change: a few hundred in any cluster. */
  private readonly profileObjects = new Map<string, Map<string, KubeObject>>();
  private engine?: PolicyEngine;
  /** Each namespace's NetworkPolicies by id, in the order of its part: the engine is built without a search of every object. */
  private readonly networkPolicies = new Map<string, Map<string, KubeObject>>();
  /** The cluster-scoped objects by kind, until one of them changes. */
  private clusterKinds?: ReadonlyMap<string, readonly KubeObject[]>;
  /** The profile without its meshes, which rules read; the meshes come from each namespace's pods. */
  private networkProfile?: ClusterProfile;
  private profileJson = '';
  private merged?: Finding[];
  private withMeshes?: ClusterProfile;
  /** Namespaces that changed and wait to be checked, in the order they began to wait. */
  private readonly waiting = new Set<string>();
  private readonly clock: () => number;
  private readonly scope?: ReadonlySet<string>;

  constructor(options: DiagnosticsOptions = {}) {
    for (const rule of options.rules ?? RULES) {
      const list = this.rulesByKind.get(rule.subject) ?? [];
      list.push(rule);
      this.rulesByKind.set(rule.subject, list);
    }
    this.clock = options.clock ?? (() => Date.now());
    this.scope = options.namespaces?.length ? new Set(options.namespaces) : undefined;
  }

  /** Brings the findings to `state`; returns the namespaces re-checked (or left waiting). */
  update(state: ClusterState, options: CheckOptions = {}): ReadonlySet<string> {
    // The first load (see `NamespaceParts.load`): every object is new, and no namespace has read anything yet.
    const touched: Touched = { profile: true, verdicts: false, clusterVerdicts: false, policyNamespaces: new Set() };
    const reached = new Set<string>();
    const loaded = this.state.load(state, (object, namespace) => {
      if (object.kind === 'NetworkPolicy') this.holdNetworkPolicy(object, false);
      this.noteChange(object, undefined, false, reached, touched, namespace);
    });
    if (!loaded) return this.applyChanges(this.state.changesTo(state), true, options);
    this.engine = undefined;
    this.clusterKinds = undefined;
    for (const namespace of reached) loaded.add(namespace);
    return this.recheck(loaded, touched, this.clock(), options);
  }

  /** Applies changes and re-checks the namespaces they reach (or leaves them waiting); returns those namespaces. */
  apply(changes: readonly ObjectChange[], options: CheckOptions = {}): ReadonlySet<string> {
    return this.applyChanges(changes, false, options);
  }

  /** `keyed`: each change's key is its object's id (changes from `changesTo`). */
  private applyChanges(changes: readonly ObjectChange[], keyed: boolean, options: CheckOptions): ReadonlySet<string> {
    const now = this.clock();
    // A Node's labels and addresses decide verdicts (ANP node peers, traffic from a pod's own Node); its status does not.
    const nodeIdentityTouched = changes.some((c) => c.object.kind === 'Node' && nodeIdentityChanged(this.state.get(idOf(c.object), c.object.metadata.namespace), c.type === 'deleted' ? undefined : c.object));
    if (nodeIdentityTouched) this.engine = undefined;
    const dirty = this.state.apply(changes, keyed);
    const { unchanged } = this.state;
    const touched: Touched = { profile: this.networkProfile === undefined, verdicts: nodeIdentityTouched, clusterVerdicts: nodeIdentityTouched, policyNamespaces: new Set() };
    for (const change of changes) {
      const { type, key, object } = change;
      // Even a heartbeat replaces the object held, which the grouping and the policies held hold too.
      if (!object.metadata.namespace) this.clusterKinds = undefined;
      if (object.kind === 'NetworkPolicy') this.holdNetworkPolicy(object, type === 'deleted');
      // A heartbeat that says nothing new once stripped changes no verdict, role or profile.
      if (unchanged.has(change)) continue;
      this.noteChange(object, keyed ? key : undefined, type === 'deleted', dirty, touched);
    }
    return this.recheck(dirty, touched, now, options);
  }

  /** Notes what one change touches besides its namespace. `key`: the object's id when known; `namespace`: its part. */
  private noteChange(object: KubeObject, key: string | undefined, deleted: boolean, dirty: Set<string>, touched: Touched, namespace = object.metadata.namespace ?? CLUSTER_PART): void {
    const { kind } = object;
    if (kind === 'Pod') {
      this.notePodRole(object, key, deleted, dirty);
      if (PROFILE_NAMESPACES.has(namespace)) touched.profile = true;
      return;
    }
    // The engine reads a Node's labels and addresses only (see applyChanges); policies and Namespaces in full.
    if (POLICY_KINDS.has(kind) && kind !== 'Node') this.engine = undefined;
    if (VERDICT_KINDS.has(kind)) {
      touched.verdicts = true;
      if (kind === 'NetworkPolicy') touched.policyNamespaces.add(namespace);
      else touched.clusterVerdicts = true;
    }
    if (PROFILE_KINDS.has(kind)) {
      this.noteProfileObject(object, deleted);
      touched.profile = true;
    } else if (PROFILE_NAMESPACES.has(namespace)) touched.profile = true;
  }

  /** Adds the namespaces that read what was touched to `dirty`, and checks them all (or leaves them waiting). */
  private recheck(dirty: Set<string>, touched: Touched, now: number, { defer = false }: CheckOptions): ReadonlySet<string> {
    if (touched.verdicts) for (const reader of this.state.readersOf('policy')) dirty.add(reader);
    // Verdicts on a namespace's pods read its own NetworkPolicies and the cluster-wide policies and Namespaces.
    if (touched.clusterVerdicts) for (const reader of this.state.readersOf(CLUSTER_POLICY_READ)) dirty.add(reader);
    for (const namespace of touched.policyNamespaces) for (const reader of this.state.readersOf(policyRead(namespace))) dirty.add(reader);
    if (touched.profile) this.refreshProfile(dirty);
    for (const [namespace, part] of this.parts) {
      // Either way: a replay can seek back as well as forward.
      if (Math.abs(now - part.checkedAt) >= TIME_RECHECK_MS && this.state.readersOf('time').has(namespace)) dirty.add(namespace);
    }
    if (defer) for (const namespace of dirty) this.waiting.add(namespace);
    else this.checkAll(dirty, now);
    return dirty;
  }

  private checkAll(namespaces: Iterable<string>, now: number): void {
    let checked = false;
    try {
      for (const namespace of namespaces) {
        checked = true;
        this.check(namespace, now);
      }
    } finally {
      // Also when a rule failed: the namespaces checked before it have new findings.
      if (checked) {
        this.merged = undefined;
        this.withMeshes = undefined;
      }
    }
  }

  /** How many namespaces wait to be checked. */
  waitingCount(): number {
    return this.waiting.size;
  }

  /**
   * Checks up to `limit` of the namespaces that wait, those that began to wait first; returns how
   * many still wait. A whole state can so be judged a few namespaces at a time.
   */
  checkWaiting(limit = Infinity): number {
    const next: string[] = [];
    for (const namespace of this.waiting) {
      if (next.length >= limit) break;
      next.push(namespace);
    }
    this.checkAll(next, this.clock());
    return this.waiting.size;
  }

  /** Every finding, most severe first; namespaces that wait are checked first. */
  findings(): Finding[] {
    this.checkWaiting();
    return this.checkedFindings();
  }

  /** The findings as checked so far: a namespace that waits has those of its last check (none before its first). */
  checkedFindings(): Finding[] {
    if (!this.merged) {
      const all: Finding[] = [];
      for (const part of this.parts.values()) for (const f of part.findings) all.push(f);
      this.merged = all.sort(compareFindings);
    }
    return this.merged;
  }

  /** The cluster profile, with the meshes of every namespace; namespaces that wait are checked first. */
  profile(): ClusterProfile {
    this.checkWaiting();
    if (!this.withMeshes) {
      const summaries: NamespaceMesh[] = [];
      for (const part of this.parts.values()) summaries.push(...part.meshes);
      this.withMeshes = { ...this.ruleProfile(), meshes: meshProfile(summaries, this.profileInput()) };
    }
    return this.withMeshes;
  }

  diagnosis(): Diagnosis {
    return { findings: this.findings(), profile: this.profile() };
  }

  private sources(now: number): DiagnosticSources {
    return {
      kindCounts: this.state.kindCounts,
      partObjects: (namespace) => this.state.byPart.get(namespace),
      clusterObjectsByKind: () => (this.clusterKinds ??= groupByKind(this.state.byPart.get(CLUSTER_PART)?.values() ?? [])),
      policy: () => (this.engine ??= this.buildEngine()),
      profile: () => this.ruleProfile(),
      podsWithRole: (role, nodeName) => this.podsWithRole(role, nodeName),
      observes: (namespace) => !this.scope || namespace === CLUSTER_PART || this.scope.has(namespace),
      now,
    };
  }

  private check(namespace: string, now: number): void {
    this.waiting.delete(namespace);
    if (!this.state.partObjects(namespace)) {
      this.parts.delete(namespace);
      return;
    }
    const context = new DiagnosticContext(namespace, this.sources(now));
    const findings: Finding[] = [];
    const seen = new Set<string>();
    // The part's objects kind by kind, as the context groups them once for the rules as well; each
    // object's rules one after the other, while it is at hand.
    for (const [kind, rules] of this.rulesByKind) {
      for (const object of context.inNamespace(kind as KubeKind)) {
        for (const rule of rules) {
          const result = (rule.check as (o: KubeObject, c: DiagnosticContext) => FindingDraft | readonly FindingDraft[] | undefined)(object, context);
          if (!result) continue;
          const drafts = Array.isArray(result) ? (result as readonly FindingDraft[]) : [result as FindingDraft];
          if (drafts.length === 0) continue;
          // A part is keyed by id: the subject's id is its key. Worked out only for a finding.
          const checked = idOf(object);
          for (const draft of drafts) {
            const subject = draft.subject ?? checked;
            const key = findingKey(rule.id, subject, draft.detail);
            // Two drafts of one rule on one subject without a detail to tell them apart: the first stands.
            if (seen.has(key)) continue;
            seen.add(key);
            findings.push({
              rule: rule.id,
              key,
              severity: draft.severity ?? rule.severity,
              layer: rule.layer,
              message: draft.message,
              evidence: draft.evidence,
              hint: draft.hint,
              objects: [subject, ...(draft.objects ?? []).filter((id) => id !== subject)],
            });
          }
        }
      }
    }
    const meshes = namespace === CLUSTER_PART ? [] : namespaceMesh(namespace, context.inNamespace('Pod'), context.namespaceLabels(namespace));
    this.parts.set(namespace, { findings, checkedAt: now, meshes });
    this.state.setReads(namespace, context.reads);
  }

  /** `key`: the pod's id when known. Most pods play no part: they are passed over without working out their id. */
  private notePodRole(pod: Pod, key: string | undefined, deleted: boolean, dirty: Set<string>): void {
    const role = deleted ? undefined : podRole(pod);
    if (!role && this.roleOf.size === 0) return;
    const id = key ?? idOf(pod);
    const had = this.roleOf.get(id);
    if (role) this.roleOf.set(id, role);
    else if (had) this.roleOf.delete(id);
    else return;
    for (const r of POD_ROLES) {
      const held = this.roles.get(r)!;
      const before = held.get(id);
      if (r === role) held.set(id, pod);
      else if (r === had) held.delete(id);
      else continue;
      this.roleLists.delete(r);
      this.addReaders(`role:${r}`, dirty);
      // Readers by Node: the Node the pod is on, and the one it was on.
      for (const node of new Set([before?.spec.nodeName, r === role ? pod.spec.nodeName : undefined])) if (node) this.addReaders(`role:${r}:${node}`, dirty);
    }
  }

  private addReaders(key: string, dirty: Set<string>): void {
    for (const reader of this.state.readersOf(key)) dirty.add(reader);
  }

  private podsWithRole(role: PodRole, nodeName?: string): readonly Pod[] {
    let list = this.roleLists.get(role);
    if (!list) {
      this.roleLists.set(role, (list = [...this.roles.get(role)!.values()]));
      this.roleByNode.delete(role);
    }
    if (nodeName === undefined) return list;
    let byNode = this.roleByNode.get(role);
    if (!byNode) {
      byNode = new Map();
      for (const pod of list) {
        const node = pod.spec.nodeName;
        if (!node) continue;
        const pods = byNode.get(node);
        if (pods) pods.push(pod);
        else byNode.set(node, [pod]);
      }
      this.roleByNode.set(role, byNode);
    }
    return byNode.get(nodeName) ?? [];
  }

  private buildEngine(): PolicyEngine {
    const objects: KubeObject[] = [];
    for (const object of this.state.byPart.get(CLUSTER_PART)?.values() ?? []) if (POLICY_KINDS.has(object.kind)) objects.push(object);
    // In the order of the parts, each part's in its own order: as a search of every object would find them.
    for (const namespace of this.state.byPart.keys()) for (const policy of this.networkPolicies.get(namespace)?.values() ?? []) objects.push(policy);
    return new PolicyEngine(objects);
  }

  /** Keeps a namespace's NetworkPolicies as they change (a heartbeat too replaces the object held). */
  private holdNetworkPolicy(policy: KubeObject, deleted: boolean): void {
    const namespace = policy.metadata.namespace;
    // One without a namespace is in the cluster part, where the engine finds it.
    if (!namespace) return;
    let held = this.networkPolicies.get(namespace);
    if (!held) this.networkPolicies.set(namespace, (held = new Map()));
    if (deleted) held.delete(idOf(policy));
    else held.set(idOf(policy), policy);
  }

  private noteProfileObject(object: KubeObject, deleted: boolean): void {
    let held = this.profileObjects.get(object.kind);
    if (!held) this.profileObjects.set(object.kind, (held = new Map()));
    if (deleted) held.delete(idOf(object));
    else held.set(idOf(object), object);
  }

  private profileInput() {
    return {
      objectsOfKind: (kind: string): readonly KubeObject[] => [...(this.profileObjects.get(kind)?.values() ?? [])],
      namespaceObjects: (namespace: string): readonly KubeObject[] => [...(this.state.byPart.get(namespace)?.values() ?? [])],
    };
  }

  private ruleProfile(): ClusterProfile {
    return (this.networkProfile ??= clusterProfile(this.profileInput()));
  }

  /** Recomputes the profile the rules read; if it came out different, the namespaces that read it are re-checked. */
  private refreshProfile(dirty: Set<string>): void {
    const profile = clusterProfile(this.profileInput());
    const json = JSON.stringify(profile);
    this.networkProfile = profile;
    this.withMeshes = undefined;
    if (json === this.profileJson) return;
    this.profileJson = json;
    for (const reader of this.state.readersOf('profile')) dirty.add(reader);
  }
}

/** Findings and profile of one state, from scratch. */
export function diagnose(state: ClusterState, options: DiagnosticsOptions = {}): Diagnosis {
  const diagnostics = new IncrementalDiagnostics(options);
  diagnostics.update(state);
  return diagnostics.diagnosis();
}
