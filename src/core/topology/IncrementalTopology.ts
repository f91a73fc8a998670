import type { ClusterState, KubeKind, KubeObject, ObjectChange, Pod, Workload } from '../../shared/kube';
import { isWorkload, objectId } from '../../shared/kube';
import { CLUSTER_PART, NamespaceParts } from '../kube/NamespaceParts';
import type { Topology, TopologyNode } from '../../shared/model';
import { indexPodsByLabel, labelSlot, type ObjectIndex, type OfKind } from './ClusterIndex';
import { addComputeLayer } from './computeLayer';
import { addEntryLayer } from './entryLayer';
import { addServiceLayer } from './serviceLayer';
import { TopologyBuilder } from './TopologyBuilder';

/**
 * What one namespace's part of the topology reads from elsewhere: object ids (their content),
 * `exists:ID` (only whether it exists), `kind:K` (whether any object of kind K exists) or
 * `namespace:N` (pods of namespace N by label).
 */
type Reads = Set<string>;

/**
 * One namespace's objects, as the layer passes see them: `all` is this namespace's (or, for the
 * cluster part, the cluster-scoped objects), look-ups reach the whole cluster, and every look-up
 * outside the namespace is noted so that a change there rebuilds this part.
 */
class PartIndex implements ObjectIndex {
  private readonly byKind = new Map<string, KubeObject[]>();
  private podsByLabel?: Map<string, Pod[]>;

  constructor(
    private readonly namespace: string,
    objects: Iterable<KubeObject>,
    private readonly cluster: ReadonlyMap<string, KubeObject>,
    private readonly clusterKinds: ReadonlyMap<string, number>,
    readonly reads: Reads,
  ) {
    for (const object of objects) {
      const list = this.byKind.get(object.kind);
      if (list) list.push(object);
      else this.byKind.set(object.kind, [object]);
    }
  }

  all<K extends KubeKind>(kind: K): readonly OfKind<K>[] {
    return (this.byKind.get(kind) ?? []) as OfKind<K>[];
  }

  get<K extends KubeKind>(kind: K, name: string, namespace?: string): OfKind<K> | undefined {
    return this.lookUp(objectId(kind, name, namespace), namespace) as OfKind<K> | undefined;
  }

  /**
   * Whether an object exists anywhere in the cluster; a reference to it from here is then not a
   * placeholder. Only its coming and going matter here, not its content (a Node's status updates).
   */
  exists(id: string): boolean {
    const slash = id.indexOf('/');
    const second = id.indexOf('/', slash + 1);
    // Whether the id's namespace is this part's, compared in place: this runs for every reference drawn.
    const own = second < 0 ? this.namespace === CLUSTER_PART : second - slash - 1 === this.namespace.length && id.startsWith(this.namespace, slash + 1);
    if (!own) this.reads.add(`exists:${id}`);
    return this.cluster.has(id);
  }

  podsWithLabel(namespace: string, key: string, value: string): readonly Pod[] {
    if (namespace !== this.namespace) {
      // Selectors stay within their namespace; reading another one is noted like any other read.
      this.reads.add(`namespace:${namespace}`);
      const pods = [...this.cluster.values()].filter((o): o is Pod => o.kind === 'Pod' && o.metadata.namespace === namespace);
      return indexPodsByLabel(pods).get(labelSlot(namespace, key, value)) ?? [];
    }
    this.podsByLabel ??= indexPodsByLabel(this.all('Pod'));
    return this.podsByLabel.get(labelSlot(namespace, key, value)) ?? [];
  }

  hasAny(kind: KubeKind): boolean {
    this.reads.add(`kind:${kind}`);
    return (this.clusterKinds.get(kind) ?? 0) > 0;
  }

  private lookUp(id: string, namespace: string | undefined): KubeObject | undefined {
    if ((namespace ?? CLUSTER_PART) !== this.namespace) this.reads.add(id);
    return this.cluster.get(id);
  }
}

interface Part {
  topology: Topology;
}

/** Where each part's nodes and edges lie in a merged topology: for parts without shared nodes only, which merging dedupes. */
interface MergedRanges {
  topology: Topology;
  parts: Map<string, { part: Topology; node: number; edge: number }>;
}

/**
 * The topology, kept up to date one namespace at a time. Each namespace's part is built by the same
 * layer passes as a whole-state build; a new state rebuilds only the parts whose objects changed,
 * and the parts that looked up a changed object in another namespace (a route's Gateway, a pod's
 * Node). At 150,000 pods a change in one namespace then costs that namespace, not the cluster.
 *
 * Objects are compared by identity: a source hands over a new object for every change.
 */
export class IncrementalTopology {
  private readonly state = new NamespaceParts();
  private readonly parts = new Map<string, Part>();
  private merged?: Topology;
  private lastMerge?: MergedRanges;
  /** Parts rebuilt or gone since the last merge. */
  private readonly rebuilt = new Set<string>();

  /**
   * Brings the topology to `state`. Returns the namespaces whose part was rebuilt (`''` for the
   * cluster-scoped part). What changed is found by comparing objects by identity; a source that
   * knows its changes saves that walk over every object with `apply`.
   */
  update(state: ClusterState): ReadonlySet<string> {
    return this.apply(this.state.changesTo(state));
  }

  /** Applies the changes since the last update or apply, and rebuilds the parts they reach. Returns those parts' namespaces. */
  apply(changes: readonly ObjectChange[]): ReadonlySet<string> {
    const dirty = this.state.apply(changes);
    for (const namespace of dirty) {
      this.rebuildPart(namespace);
      this.rebuilt.add(namespace);
    }
    if (dirty.size > 0) this.merged = undefined;
    return dirty;
  }

  /** An object of the state drawn, by id. */
  object(id: string): KubeObject | undefined {
    return this.state.objects.get(id);
  }

  /**
   * How big the whole topology is, without merging it: every part's nodes and edges, and the
   * implied namespaces. A placeholder or External that several parts name counts once per part.
   */
  size(): { nodes: number; edges: number } {
    let nodes = 0;
    let edges = 0;
    for (const { topology } of this.parts.values()) {
      nodes += topology.nodes.length;
      edges += topology.edges.length;
    }
    for (const namespace of this.state.byPart.keys()) if (namespace !== CLUSTER_PART && !this.state.objects.has(objectId('Namespace', namespace))) nodes++;
    return { nodes, edges };
  }

  /** The whole topology: every part's nodes and edges, with shared placeholders and Externals merged, and implied namespaces. */
  topology(): Topology {
    if (!this.merged) {
      this.merged = this.mergeInPlace() ?? this.merge();
      this.rebuilt.clear();
    }
    return this.merged;
  }

  /**
   * The last merged topology with the rebuilt parts put in their places, when none of them holds
   * a shared node (before or after) and each names the same namespaces as before: the Namespaces
   * implied at the end stay the same, and the nodes of the other parts stay as they were, only
   * moved. A part that came or went, or holds a placeholder, asks for a whole merge. A change then
   * costs its parts and a copy of the arrays (0.03–0.05 s at 150,000 pods), not a walk over every
   * part (0.09 s). The result is the one a whole merge gives, order included.
   */
  private mergeInPlace(): Topology | undefined {
    const last = this.lastMerge;
    if (!last || this.rebuilt.size === 0) return undefined;
    const placed: PlacedPart[] = [];
    for (const namespace of this.rebuilt) {
      const range = last.parts.get(namespace);
      const part = this.parts.get(namespace)?.topology;
      if (!range || !part || !sameNamespaces(range.part, part)) return undefined;
      const growth = { nodes: part.nodes.length - range.part.nodes.length, edges: part.edges.length - range.part.edges.length };
      placed.push({ namespace, part, node: range.node, edge: range.edge, before: range.part, growth });
    }
    // In the order the whole merge takes the parts (an empty part shares its offset with the next).
    const inMergeOrder = <T extends { namespace: string }>(a: T, b: T) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0);
    placed.sort(inMergeOrder);
    // The last merge's runs between the rebuilt parts, and the rebuilt parts, copied once into arrays
    // of their final length: slicing the runs and joining them with flat() took 60 ms at 150,000 pods.
    const nodes = new Array<TopologyNode>(placed.reduce((sum, p) => sum + p.growth.nodes, last.topology.nodes.length));
    const edges = new Array<Topology['edges'][number]>(placed.reduce((sum, p) => sum + p.growth.edges, last.topology.edges.length));
    let [nodeFrom, edgeFrom, nodeAt, edgeAt] = [0, 0, 0, 0];
    for (const { part, node, edge, before } of placed) {
      // Ranges that no longer describe the last merge (overlapping, or past its end): a whole merge then.
      if (node < nodeFrom || edge < edgeFrom) return undefined;
      nodeAt = copyInto(nodes, nodeAt, last.topology.nodes, nodeFrom, node);
      nodeAt = copyInto(nodes, nodeAt, part.nodes, 0, part.nodes.length);
      edgeAt = copyInto(edges, edgeAt, last.topology.edges, edgeFrom, edge);
      edgeAt = copyInto(edges, edgeAt, part.edges, 0, part.edges.length);
      [nodeFrom, edgeFrom] = [node + before.nodes.length, edge + before.edges.length];
    }
    if (nodeFrom > last.topology.nodes.length || edgeFrom > last.topology.edges.length) return undefined;
    copyInto(nodes, nodeAt, last.topology.nodes, nodeFrom, last.topology.nodes.length);
    copyInto(edges, edgeAt, last.topology.edges, edgeFrom, last.topology.edges.length);
    // The parts after a part that grew or shrank move with it.
    const moved = new Map(placed.map((p) => [p.namespace, p]));
    let [nodeShift, edgeShift] = [0, 0];
    for (const { namespace, ...range } of [...last.parts].map(([namespace, range]) => ({ namespace, ...range })).sort(inMergeOrder)) {
      const change = moved.get(namespace);
      last.parts.set(namespace, { part: change?.part ?? range.part, node: range.node + nodeShift, edge: range.edge + edgeShift });
      if (change) [nodeShift, edgeShift] = [nodeShift + change.growth.nodes, edgeShift + change.growth.edges];
    }
    last.topology = { nodes, edges };
    return last.topology;
  }

  private rebuildPart(namespace: string): void {
    const objects = this.state.partObjects(namespace);
    if (!objects) {
      this.parts.delete(namespace);
      return;
    }
    const index = new PartIndex(namespace, objects.values(), this.state.objects, this.state.kindCounts, new Set());
    const builder = new TopologyBuilder((id) => index.exists(id));
    const workloads: Workload[] = [];
    for (const object of objects.values()) if (isWorkload(object)) workloads.push(object);
    // Real objects first, so that references made later find them instead of adding a missing placeholder.
    addComputeLayer(index, builder, workloads);
    addServiceLayer(index, builder);
    addEntryLayer(index, builder);
    this.parts.set(namespace, { topology: builder.build() });
    this.state.setReads(namespace, index.reads);
  }

  private merge(): Topology {
    const parts = [...this.parts.keys()].sort().map((namespace) => [namespace, this.parts.get(namespace)!.topology] as const);
    // Written by index into arrays of their length (at most, for the nodes): pushing 500,000 took a
    // third of a 150,000-pod merge.
    const nodes = new Array<TopologyNode>(parts.reduce((sum, [, topology]) => sum + topology.nodes.length, 0));
    const edges = new Array<Topology['edges'][number]>(parts.reduce((sum, [, topology]) => sum + topology.edges.length, 0));
    let [nodeAt, edgeAt] = [0, 0];
    const ranges: MergedRanges['parts'] = new Map();
    // Placeholders and Externals can be named by several parts: one node each, Externals with every role.
    const shared = new Map<string, number>();
    const namespaces = new Set<string>();
    const implied = new Set<string>();
    for (const [namespace, topology] of parts) {
      if (!topology.nodes.some(isShared)) ranges.set(namespace, { part: topology, node: nodeAt, edge: edgeAt });
      for (const node of topology.nodes) {
        if (node.kind === 'Namespace') namespaces.add(node.name);
        else if (node.namespace) implied.add(node.namespace);
        if (isShared(node)) {
          const at = shared.get(node.id);
          if (at !== undefined) {
            if (node.kind === 'External') nodes[at] = withRoles(nodes[at], node.facts.roles as string[]);
            continue;
          }
          shared.set(node.id, nodeAt);
        }
        nodes[nodeAt++] = node;
      }
      edgeAt = copyInto(edges, edgeAt, topology.edges, 0, topology.edges.length);
    }
    nodes.length = nodeAt;
    // Every namespace that holds something gets a node, even when the Namespace object itself is not known.
    for (const name of [...implied].sort()) {
      if (!namespaces.has(name)) nodes.push({ id: objectId('Namespace', name), kind: 'Namespace', name, facts: { implied: true }, problems: [] });
    }
    const topology = { nodes, edges };
    this.lastMerge = { topology, parts: ranges };
    return topology;
  }
}

/** A rebuilt part as a merge in place puts it: where its old part was, and how much it grew (or shrank). */
interface PlacedPart {
  namespace: string;
  part: Topology;
  node: number;
  edge: number;
  before: Topology;
  growth: { nodes: number; edges: number };
}

/** Placeholders and Externals: several parts can name one, and merging keeps one node for it. */
const isShared = (node: TopologyNode) => node.missing === true || node.kind === 'External';

/**
 * Whether a rebuilt part can take its old part's place in a merged topology: it holds no shared
 * node, and it names the same namespaces (by Namespace nodes, and by its other nodes' namespace),
 * which decide the Namespaces implied at the end of the merge.
 */
function sameNamespaces(before: Topology, after: Topology): boolean {
  const named = (part: Topology) => {
    const names = new Set<string>();
    for (const node of part.nodes) {
      if (isShared(node)) return undefined;
      if (node.kind === 'Namespace') names.add(`=${node.name}`);
      else if (node.namespace) names.add(node.namespace);
    }
    return names;
  };
  const [a, b] = [named(before), named(after)];
  return a !== undefined && b !== undefined && a.size === b.size && [...a].every((name) => b.has(name));
}

/** A copy of an External node with more roles; the part's own node stays as its part built it. */
function withRoles(node: TopologyNode, roles: readonly string[]): TopologyNode {
  const own = node.facts.roles as string[];
  const added = roles.filter((r) => !own.includes(r));
  return added.length ? { ...node, facts: { ...node.facts, roles: [...own, ...added] } } : node;
}

/** Copies `from[start..end)` into `to` from index `at`, and says where the copy ended. */
function copyInto<T>(to: T[], at: number, from: readonly T[], start: number, end: number): number {
  for (let i = start; i < end; i++) to[at++] = from[i];
  return at;
}
