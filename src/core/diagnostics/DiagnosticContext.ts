import type { ClusterProfile, Evidence, FindingLayer, Severity } from '../../shared/diagnostics';
import type { EndpointSlice, KubeKind, KubeObject, LabelSelector, Namespace, Pod, Service } from '../../shared/kube';
import { NAMESPACE_NAME_LABEL, objectId, SERVICE_NAME_LABEL } from '../../shared/kube';
import { CLUSTER_PART } from '../kube/NamespaceParts';
import type { PolicyEngine } from '../policy/PolicyEngine';
import { matchesLabelSelector, matchesServiceSelector } from '../selectors';
import type { ObjectIndex, OfKind } from '../topology/ClusterIndex';
import type { PodRole } from '../kube/wellKnownPods';

/** A finding as a rule words it; the runner adds the rule's id, layer and key. */
export interface FindingDraft {
  /** Defaults to the rule's severity. */
  severity?: Severity;
  message: string;
  evidence: Evidence[];
  hint: string;
  /** The ids of the objects involved; the subject is put first by the runner. */
  objects?: string[];
  /** Tells apart several findings of one rule on one subject (a port name, a backend's position). */
  detail?: string;
  /**
   * The object the finding is about, when not the one checked: a fault every pod of a workload
   * shares is the workload's, so its key stays the same as pods are replaced.
   */
  subject?: string;
}

/** How a rule is documented in docs/diagnostics.md and `strata diagnose --rules`. */
export interface RuleDoc {
  condition: string;
  example: string;
  /** Which anchors check something alike, and how Strata's check differs. */
  anchors?: string;
  /** A stand-in used where the direct check would need a Secret or ConfigMap. */
  standIn?: string;
}

/**
 * One diagnostic rule: checks one object of its subject kind and returns what is wrong with it.
 * A rule reads the cluster only through the context, which notes what it read so that a change
 * elsewhere re-checks exactly the namespaces that depend on it.
 */
export interface DiagnosticRule<K extends KubeKind = KubeKind> {
  id: string;
  /** The most severe finding it gives; a draft can lower it. */
  severity: Severity;
  layer: FindingLayer;
  /** A short title for lists. */
  title: string;
  subject: K;
  hint: string;
  doc: RuleDoc;
  check(subject: OfKind<K>, context: DiagnosticContext): FindingDraft | readonly FindingDraft[] | undefined;
}

/** A rule of any subject kind, as the index lists them. */
export type AnyRule = { [K in KubeKind]: DiagnosticRule<K> }[KubeKind];

export function defineRule<K extends KubeKind>(rule: DiagnosticRule<K>): DiagnosticRule<K> {
  return rule;
}

/** What the context needs from the runner: the objects, and the results computed once per revision. */
export interface DiagnosticSources {
  kindCounts: ReadonlyMap<string, number>;
  partObjects(namespace: string): ReadonlyMap<string, KubeObject> | undefined;
  /**
   * The cluster-scoped objects by kind. Every check reads some (Nodes, Namespaces, classes), so the
   * runner groups them once per change to them, not once per namespace checked.
   */
  clusterObjectsByKind(): ReadonlyMap<string, readonly KubeObject[]>;
  policy(): PolicyEngine;
  profile(): ClusterProfile;
  podsWithRole(role: PodRole, nodeName?: string): readonly Pod[];
  /** Whether the source sees a namespace's objects (all, unless it is scoped to some). */
  observes(namespace: string): boolean;
  now: number;
}

/**
 * What rules read, for the rules of one namespace (its "part"). Look-ups reach the whole cluster;
 * each read outside the namespace is noted as a key the runner watches (see NamespaceParts).
 * It is also an `ObjectIndex`, so the topology's helpers (workloadOf, the Ingress route finder) work on it.
 */
export class DiagnosticContext implements ObjectIndex {
  readonly reads = new Set<string>();
  private readonly byKind = new Map<string, ReadonlyMap<string, readonly KubeObject[]>>();
  /**
   * Worked out once per check and shared by every rule: selectors are matched through a label index,
   * not pod by pod. By namespace, then label key (indexed on first use: selectors start from a few keys), then value.
   */
  private readonly podIndexes = new Map<string, Map<string, Map<string, Pod[]>>>();
  private readonly servicePods = new Map<Service, readonly Pod[]>();
  private readonly slicesByService = new Map<string, Map<string, EndpointSlice[]>>();
  private readonly memos = new Map<string, unknown>();
  private readonly namesByKind = new Map<string, Map<string, KubeObject>>();

  constructor(
    readonly namespace: string,
    private readonly sources: DiagnosticSources,
  ) {}

  /** The time the findings are for (ms since the epoch): "pending for more than 5 minutes" is measured to it. */
  get now(): number {
    return this.sources.now;
  }

  /**
   * How long ago an object was created, in ms (undefined when it does not say). Rules that wait
   * ("no address for more than 5 minutes") are re-checked as time passes.
   */
  ageOf(object: KubeObject): number | undefined {
    this.reads.add('time');
    const created = object.metadata.creationTimestamp ? Date.parse(object.metadata.creationTimestamp) : NaN;
    return Number.isFinite(created) ? this.now - created : undefined;
  }

  get<K extends KubeKind>(kind: K, name: string, namespace?: string): OfKind<K> | undefined {
    const part = namespace ?? CLUSTER_PART;
    // This part's own objects by name, from the grouping by kind: its objects' ids need not be worked out.
    if (part === this.namespace) return this.byName(kind).get(name) as OfKind<K> | undefined;
    const id = objectId(kind, name, namespace);
    this.reads.add(id);
    // An id names its namespace: the object is in that part or nowhere.
    return this.sources.partObjects(part)?.get(id) as OfKind<K> | undefined;
  }

  /** This part's objects of a kind by name. */
  private byName(kind: KubeKind): ReadonlyMap<string, KubeObject> {
    let byName = this.namesByKind.get(kind);
    if (!byName) {
      byName = new Map();
      for (const object of this.ofPart(kind, this.namespace)) byName.set(object.metadata.name, object);
      this.namesByKind.set(kind, byName);
    }
    return byName;
  }

  /** The objects of a kind in one namespace (this part's by default; cluster-scoped kinds with `''`). */
  inNamespace<K extends KubeKind>(kind: K, namespace = this.namespace): readonly OfKind<K>[] {
    if (namespace !== this.namespace) this.reads.add(`namespace:${namespace}`);
    return this.ofPart(kind, namespace);
  }

  /** A part's objects of a kind, without noting a read (the caller notes a narrower one). */
  private ofPart<K extends KubeKind>(kind: K, namespace: string): readonly OfKind<K>[] {
    let kinds = this.byKind.get(namespace);
    if (!kinds) {
      kinds = namespace === CLUSTER_PART ? this.sources.clusterObjectsByKind() : groupByKind(this.sources.partObjects(namespace)?.values() ?? []);
      this.byKind.set(namespace, kinds);
    }
    return (kinds.get(kind) ?? NONE) as readonly OfKind<K>[];
  }

  /**
   * A value worked out once per check of this namespace and shared by every rule and subject: a
   * rule checked on each pod that needs a namespace-wide grouping computes it once, not per pod.
   * The key names what it is (`pods-by-workload`); `compute` reads through this context as usual.
   */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  private readonly perCheck = new Map<object, unknown>();

  /**
   * A value worked out once per check, keyed by the function that computes it (see `oncePerCheck`):
   * asked for on every pod, so one look-up by identity.
   */
  once<T>(compute: (context: DiagnosticContext) => T): T {
    const known = this.perCheck.get(compute);
    if (known !== undefined || this.perCheck.has(compute)) return known as T;
    const value = compute(this);
    this.perCheck.set(compute, value);
    return value;
  }

  /** ObjectIndex: this part's objects of a kind. */
  all<K extends KubeKind>(kind: K): readonly OfKind<K>[] {
    return this.inNamespace(kind);
  }

  /** Cluster-scoped objects of a kind (Nodes, Namespaces, classes). Any change to the kind re-checks this part. */
  clusterScoped<K extends KubeKind>(kind: K): readonly OfKind<K>[] {
    // Only this kind: a Node's status update must not re-check a part that read the classes.
    this.reads.add(`kind:${kind}`);
    return this.ofPart(kind, CLUSTER_PART);
  }

  /**
   * Whether Strata sees a namespace's objects: a source scoped to some namespaces (`-n`) sees the
   * others' Namespace objects but not what is in them, so "does not exist" cannot be said there.
   */
  observes(namespace: string): boolean {
    return this.sources.observes(namespace);
  }

  /** ObjectIndex: whether the cluster holds any object of a kind. */
  hasAny(kind: KubeKind): boolean {
    this.reads.add(`kind:${kind}`);
    return (this.sources.kindCounts.get(kind) ?? 0) > 0;
  }

  podsWithLabel(namespace: string, key: string, value: string): readonly Pod[] {
    if (namespace !== this.namespace) this.reads.add(`namespace:${namespace}`);
    let byKey = this.podIndexes.get(namespace);
    if (!byKey) this.podIndexes.set(namespace, (byKey = new Map()));
    let byValue = byKey.get(key);
    if (!byValue) byKey.set(key, (byValue = indexByLabel(this.ofPart('Pod', namespace), key)));
    return byValue.get(value) ?? NO_PODS;
  }

  /** The pods of a namespace a Service selector picks, terminating pods included. Worked out once per Service and check. */
  podsForService(service: Service): readonly Pod[] {
    let pods = this.servicePods.get(service);
    if (!pods) {
      const selector = service.spec.selector;
      const [key, more] = selector ? firstKeys(selector) : [];
      if (key === undefined) pods = NO_PODS;
      else {
        const candidates = this.podsWithLabel(service.metadata.namespace ?? '', key, selector![key]);
        // One label: every pod found by it matches.
        pods = more ? candidates.filter((p) => matchesServiceSelector(p.metadata.labels, selector)) : candidates;
      }
      this.servicePods.set(service, pods);
    }
    return pods;
  }

  /** The pods of a namespace a LabelSelector picks (an empty selector picks every pod). */
  podsMatching(namespace: string, selector: LabelSelector): readonly Pod[] {
    const [key] = selector.matchLabels ? firstKeys(selector.matchLabels) : [];
    const candidates = key !== undefined ? this.podsWithLabel(namespace, key, selector.matchLabels![key]) : this.inNamespace('Pod', namespace);
    return candidates.filter((p) => matchesLabelSelector(p.metadata.labels, selector));
  }

  /** A Service's EndpointSlices, by the `kubernetes.io/service-name` label. */
  slicesOf(service: Service): readonly EndpointSlice[] {
    const namespace = service.metadata.namespace ?? '';
    let byService = this.slicesByService.get(namespace);
    if (!byService) {
      byService = new Map();
      for (const slice of this.inNamespace('EndpointSlice', namespace)) {
        const name = slice.metadata.labels?.[SERVICE_NAME_LABEL];
        if (name === undefined) continue;
        const list = byService.get(name);
        if (list) list.push(slice);
        else byService.set(name, [slice]);
      }
      this.slicesByService.set(namespace, byService);
    } else if (namespace !== this.namespace) this.reads.add(`namespace:${namespace}`);
    return byService.get(service.metadata.name) ?? [];
  }

  /** A namespace's labels, with the name label the API server sets on every Namespace. */
  namespaceLabels(namespace: string): Record<string, string> {
    const ns: Namespace | undefined = this.get('Namespace', namespace);
    return { ...ns?.metadata.labels, [NAMESPACE_NAME_LABEL]: namespace };
  }

  /** The NetworkPolicy, ANP and BANP engine over the cluster's policies, Namespaces and Nodes. Any policy change re-checks this part. */
  policy(): PolicyEngine {
    this.reads.add('policy');
    return this.sources.policy();
  }

  private readsLocalPolicy = false;

  /**
   * The engine, for verdicts judged on pods of this namespace only (their isolation, their side of a
   * connection, which of them a policy of theirs selects): those depend on this namespace's
   * NetworkPolicies and on the cluster-wide ones and Namespaces, not on other namespaces' policies.
   * A policy change elsewhere then does not re-check this part.
   */
  localPolicy(): PolicyEngine {
    if (!this.readsLocalPolicy) {
      this.readsLocalPolicy = true;
      this.reads.add(CLUSTER_POLICY_READ);
      this.reads.add(policyRead(this.namespace));
    }
    return this.sources.policy();
  }

  /** The engine, for verdicts judged on pods of these namespaces only (see `localPolicy`). */
  policyFor(namespaces: Iterable<string>): PolicyEngine {
    this.reads.add(CLUSTER_POLICY_READ);
    for (const namespace of namespaces) this.reads.add(policyRead(namespace));
    return this.sources.policy();
  }

  profile(): ClusterProfile {
    this.reads.add('profile');
    return this.sources.profile();
  }

  /** Pods that play a part every namespace depends on: Ingress controllers, Gateway data planes, DNS, node network agents. */
  podsWithRole(role: PodRole, nodeName?: string): readonly Pod[] {
    // By Node when asked so: a CNI pod on one Node then re-checks only the namespaces with endpoints there.
    this.reads.add(nodeName === undefined ? `role:${role}` : `role:${role}:${nodeName}`);
    return this.sources.podsWithRole(role, nodeName);
  }
}

/** Read by verdicts on any pod: changes to AdminNetworkPolicies, the BaselineAdminNetworkPolicy and Namespaces. */
export const CLUSTER_POLICY_READ = 'policy:cluster';
/** Read by verdicts on the pods of a namespace: changes to its NetworkPolicies. */
export const policyRead = (namespace: string): string => `policy:ns:${namespace}`;

const NO_PODS: readonly Pod[] = [];

/** A map's first key, and whether it has more: without listing its entries. */
function firstKeys(map: Readonly<Record<string, string>>): [string | undefined, boolean] {
  let first: string | undefined;
  for (const key in map) {
    if (first !== undefined) return [first, true];
    first = key;
  }
  return [first, false];
}

const NONE: readonly KubeObject[] = [];

/** Objects by kind, in the order given. */
export function groupByKind(objects: Iterable<KubeObject>): Map<string, KubeObject[]> {
  const kinds = new Map<string, KubeObject[]>();
  for (const object of objects) {
    const list = kinds.get(object.kind);
    if (list) list.push(object);
    else kinds.set(object.kind, [object]);
  }
  return kinds;
}

/** Pods by the value of one label, those without it left out: no string is made per label. */
function indexByLabel(pods: readonly Pod[], key: string): Map<string, Pod[]> {
  const byValue = new Map<string, Pod[]>();
  for (const pod of pods) {
    const value = pod.metadata.labels?.[key];
    // A string only: `constructor` and the like are found on the prototype of any label map.
    if (typeof value !== 'string') continue;
    const list = byValue.get(value);
    if (list) list.push(pod);
    else byValue.set(value, [pod]);
  }
  return byValue;
}

/** `Kind namespace/name`, as messages name an object. */
export function describe(object: KubeObject): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}

/** `key=value,key=value` for a label map. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '(none)';
}

/** A finding's key: the rule, the subject and the detail that tells several apart. */
export function findingKey(rule: string, subject: string, detail?: string): string {
  return detail ? `${rule}|${subject}|${detail}` : `${rule}|${subject}`;
}
