import { objectId } from '../../shared/kube';
import type { Topology, TopologyNode } from '../../shared/model';
import type { ViewTotals } from '../../shared/view';
import { NODE_BUDGET } from '../../shared/view';
import { buildTree, isGroupId, NODES_GROUP, treeAroundRuns, treeFrom, UNSCHEDULED_GROUP, type ContainmentTree, type PlacedNodes } from './containmentTree';
import { arrayOn, differingRuns, forEachKept, IdPositions, movedBack, movedPast, runLength, sameIdsInOrder, type Runs } from './IdPositions';
import { EXTERNAL, OWN_PROBLEM, tallyNodes, type NodeTally } from './nodeTally';

/** `layers`: Ingress → Service → EndpointSlice → Pod → Node. `nodes`: Nodes as cells holding their pods. */
export type ViewArrangement = 'layers' | 'nodes';

const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Chains are at most two deep: a namespace and a workload or Service, or a zone and a Node. */
export interface ChainIndex {
  outer: Int32Array;
  inner: Int32Array;
}

/**
 * The chain index of the facts whose chains were kept, with their chains: a node whose chain is the
 * same array has the same entries, moved with the runs of nodes that differ when there are some.
 */
interface ChainSeed {
  chains: readonly (readonly string[] | null | undefined)[];
  index: ChainIndex;
  runs?: Runs;
}

/** The arrays by position of facts given up, for the next facts to write into (see arrayOn). */
interface GivenUp {
  edgeEnds?: Int32Array;
  flags: Uint8Array;
  problem: Uint8Array;
  sliceService: Int32Array;
  podNode: Int32Array;
  chainIndexes: Partial<Record<ViewArrangement, ChainIndex>>;
}

/** Runs past which the facts are made anew: a position is moved past each run, one after another. */
const MOST_RUNS = 16;

/** The part of the topology a node was built in: its namespace's, or the cluster's (''), which come in this order. */
const partOf = (node: TopologyNode) => node.namespace ?? '';

/**
 * What every projection of one topology needs, worked out once per topology and shared by every
 * spec and client that asks for a view of it: which aggregates hold each object, which objects
 * have a problem, and the totals.
 */
export class TopologyFacts {
  private static readonly cache = new WeakMap<Topology, TopologyFacts>();
  /** The facts made last: the next topology, often the same objects with a few changed, takes what it can from them. */
  private static last?: TopologyFacts;
  /** The facts made before those: given up when the next are made. */
  private static beforeLast?: TopologyFacts;

  static of(topology: Topology): TopologyFacts {
    let facts = TopologyFacts.cache.get(topology);
    if (!facts) {
      facts = new TopologyFacts(topology, TopologyFacts.last, TopologyFacts.giveUpBeforeLast());
      TopologyFacts.cache.set(topology, facts);
      [TopologyFacts.beforeLast, TopologyFacts.last] = [TopologyFacts.last, facts];
    }
    return facts;
  }

  /**
   * Gives up the facts made before the last ones, as the next are made, with their arrays by
   * position for the next to write into: the last ones let go of them here, before those arrays
   * are written into (as the constructor would after: one step back at most), and asked for again,
   * their topology's facts are made anew. Facts are used within one call (a projection, a search),
   * which makes none for another topology: nothing else holds them. An array the last facts share
   * (edge ends, when the ids are the same) is theirs.
   */
  private static giveUpBeforeLast(): GivenUp | undefined {
    const [old, last] = [TopologyFacts.beforeLast, TopologyFacts.last];
    TopologyFacts.beforeLast = undefined;
    if (!old || !last) return undefined;
    last.previous = undefined;
    last.chainSeeds.layers = last.chainSeeds.nodes = undefined;
    TopologyFacts.cache.delete(old.topology);
    old.givenAway = true;
    const chainIndexes = { layers: old.chainIndexes.layers ?? old.spareIndexes.layers, nodes: old.chainIndexes.nodes ?? old.spareIndexes.nodes };
    return { ...(old.ends !== last.ends ? { edgeEnds: old.ends } : {}), flags: old.tally.flags, problem: old.problem, sliceService: old.sliceService, podNode: old.podNode, chainIndexes };
  }

  readonly totals: ViewTotals;
  readonly namespaces: string[];
  /** Every node's id, then the groups', by position; a node's position is its index in the topology. */
  private readonly positions: IdPositions;
  /** The edge ends (see edgeEnds). */
  private readonly ends: Int32Array;
  /** 1 where the node has a problem: it is missing, it says what is wrong, or an edge of it does. */
  private readonly problem: Uint8Array;
  /** What each node says of itself, with the totals. */
  private readonly tally: NodeTally;
  /** Ends of edges with a problem (a dropped flow, a backend that is not there), by position: the first such problem. */
  private readonly problemEnds = new Map<number, string>();
  /** An EndpointSlice's Service, and a pod's Node, by position. */
  private readonly sliceService: Int32Array;
  private readonly podNode: Int32Array;
  private readonly externalNamespace = new Map<number, string>();
  /** Externals, which can belong with a namespace outside a scope and then stand alone. */
  readonly externals: string[];
  private readonly chains: Record<ViewArrangement, (readonly string[] | null | undefined)[]> = { layers: [], nodes: [] };
  /** A namespace's id when the topology holds its node, null when it does not. */
  private readonly heldNamespaceIds = new Map<string, string | null>();
  private readonly chainsByInnermost = new Map<string, readonly string[]>();
  private readonly scopes = new Map<string, ReadonlySet<string>>();
  private readonly trees: Partial<Record<ViewArrangement, ContainmentTree>> = {};
  /**
   * The facts made before, with their layered tree, which this one's is made from: by the nodes
   * that changed when the node ids and edge ends are theirs, else around the runs of nodes that
   * differ. Let go at the first tree asked for.
   */
  private previous?: TopologyFacts;
  /** Where this topology's nodes differ from the facts before's, when their ids are not the same. */
  private runs?: Runs;
  private readonly chainIndexes: Partial<Record<ViewArrangement, ChainIndex>> = {};
  private readonly chainSeeds: Partial<Record<ViewArrangement, ChainSeed>> = {};
  private readonly zoned: boolean;
  /** The chain indexes of facts given up, until this one's are made on their buffers. */
  private spareIndexes: Partial<Record<ViewArrangement, ChainIndex>> = {};
  /** Set when these facts are given up: their arrays are other facts' now. */
  private givenAway = false;

  /**
   * `before`, the facts of another topology: when it has the same node ids and edge ends in the
   * same order (a status changed, nothing was added or removed), its positions are this one's,
   * and so are its chains for the nodes that are the same objects. When the nodes differ in runs
   * that are not most of them (namespaces' parts rebuilt: pods came or went), the positions, edge
   * ends, tally and chain index are its own around the runs. The facts come out the same.
   * `givenUp`: the arrays of facts given up, which this one's are written into.
   */
  private constructor(
    private readonly topology: Topology,
    before?: TopologyFacts,
    givenUp?: GivenUp,
  ) {
    const { nodes, edges } = topology;
    const runs = before ? differingRuns(before.topology.nodes, nodes, partOf) : undefined;
    const same = before && sameIdsInOrder(before.topology, topology) ? before : undefined;
    // Taken around runs that are most of the nodes, or many runs (each read per look-up), the facts would cost more than made anew.
    const around = before && runs && runs.length <= MOST_RUNS && runLength(runs) < nodes.length / 2 ? { before, runs } : undefined;
    // Group ids get positions after the nodes' as they are asked for (shared with the facts before when the ids are the same).
    if (same) this.positions = same.positions;
    else if (around) this.positions = IdPositions.around(around.before.positions, around.runs, nodes);
    else this.positions = IdPositions.of(nodes.map((node) => node.id));
    this.ends = same ? same.ends : this.positions.edgeEnds(edges, around && { edges: around.before.topology.edges, ends: around.before.ends, runs: around.runs }, givenUp?.edgeEnds);
    this.tally = tallyNodes(topology, around && { tally: around.before.tally, nodes: around.before.topology.nodes, runs: around.runs, positionBefore: (id) => around.before.positions.get(id) }, givenUp?.flags);
    const { totals, namespaces, externals, flags } = this.tally;
    this.externals = externals;
    this.problem = arrayOn(Uint8Array, nodes.length, 0, givenUp?.problem);
    for (let i = 0; i < nodes.length; i++) this.problem[i] = flags[i] & OWN_PROBLEM;
    this.sliceService = arrayOn(Int32Array, nodes.length, -1, givenUp?.sliceService);
    this.podNode = arrayOn(Int32Array, nodes.length, -1, givenUp?.podNode);
    if (givenUp) this.spareIndexes = givenUp.chainIndexes;
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i];
      const from = this.ends[2 * i];
      const to = this.ends[2 * i + 1];
      if (from < 0 || to < 0) continue;
      if (edge.type === 'service-slice') this.sliceService[to] = from;
      else if (edge.type === 'pod-node') this.podNode[from] = to;
      if (edge.problems.length) {
        this.problem[from] = this.problem[to] = 1;
        if (!this.problemEnds.has(from)) this.problemEnds.set(from, edge.problems[0]);
        if (!this.problemEnds.has(to)) this.problemEnds.set(to, edge.problems[0]);
      }
      // An External belongs with the namespace of what it serves or is served by.
      if (this.tally.flags[from] & EXTERNAL) this.placeExternal(from, nodes[to].namespace);
      if (this.tally.flags[to] & EXTERNAL) this.placeExternal(to, nodes[from].namespace);
    }
    this.totals = totals;
    this.namespaces = namespaces;
    this.zoned = totals.nodes > NODE_BUDGET;
    // One step back at most: facts must not hold a chain of every topology before them.
    if (before) {
      before.previous = undefined;
      before.chainSeeds.layers = before.chainSeeds.nodes = undefined;
    }
    if (same) this.keepChains(same);
    else if (before && runs) this.keepChainsAroundRuns(before, runs);
    // Its entries can be moved only into positions taken around the runs.
    const index = before?.chainIndexes.layers;
    if (!same && around && index) this.chainSeeds.layers = { chains: around.before.chains.layers, index, runs: around.runs };
    this.runs = same ? undefined : runs;
    if (before?.trees.layers) this.previous = before;
  }

  /**
   * Takes the chains of the nodes that are the same objects as in `before`, whose ids and edge ends
   * are this topology's: a chain is made of the node itself, its edges' ends and whether its
   * namespace is drawn, all the same then. By Node in zones, a pod's chain is also made of its
   * Node's labels, which may have changed: those are made again.
   */
  private keepChains(before: TopologyFacts): void {
    const nodes = this.topology.nodes;
    const old = before.topology.nodes;
    for (const arrangement of ['layers', 'nodes'] as const) {
      if (arrangement === 'nodes' && (before.zoned || this.zoned)) continue;
      const from = before.chains[arrangement];
      // Every index written, kept or not, into an array of its length (a third of the time of
      // pushing at 150,000 pods): reading a hole is slow.
      const to = (this.chains[arrangement] = new Array<readonly string[] | null | undefined>(nodes.length));
      for (let i = 0; i < nodes.length; i++) to[i] = old[i] === nodes[i] ? from[i] : undefined;
      const index = before.chainIndexes[arrangement];
      if (index) this.chainSeeds[arrangement] = { chains: from, index };
    }
  }

  /**
   * Takes the layered chains of the nodes around the runs of nodes that differ from `before`'s
   * (namespaces' parts rebuilt: pods came or went), when they are the same objects in a namespace
   * the runs do not touch: such a chain is made of the node, its edges' ends in its own namespace
   * and whether that namespace is drawn, all as before. Externals, placed by edges from anywhere,
   * are made again. Worked out again, the chains were most of a tree made around the runs.
   */
  private keepChainsAroundRuns(before: TopologyFacts, runs: Runs): void {
    const from = before.chains.layers;
    if (from.length === 0) return;
    const nodes = this.topology.nodes;
    const old = before.topology.nodes;
    const touched = new Set<string | undefined>();
    const namespaceOf = (node: TopologyNode) => (node.kind === 'Namespace' ? node.name : node.namespace);
    for (const run of runs) {
      for (let i = run.oldStart; i < run.oldEnd; i++) touched.add(namespaceOf(old[i]));
      for (let i = run.newStart; i < run.newEnd; i++) touched.add(namespaceOf(nodes[i]));
    }
    // A chain names its node's namespace first: decided once for each stretch of nodes sharing it,
    // without reading each node (20 ms at 150,000 pods). Chains of nothing are decided by the node.
    const touchedIds = new Set<string>();
    for (const namespace of touched) if (namespace !== undefined) touchedIds.add(objectId('Namespace', namespace));
    let [last, lastKept]: [readonly string[] | null | undefined, boolean] = [undefined, false];
    const kept = (i: number, chain: readonly string[] | null | undefined) => {
      if (this.tally.flags[i] & EXTERNAL) return undefined;
      if (!chain || chain.length === 0) return touched.has(namespaceOf(nodes[i])) ? undefined : chain;
      if (chain !== last) [last, lastKept] = [chain, !touchedIds.has(chain[0])];
      return lastKept ? chain : undefined;
    };
    // Every index written, into an array of its length (see keepChains).
    const to = (this.chains.layers = new Array<readonly string[] | null | undefined>(nodes.length));
    for (const run of runs) for (let i = run.newStart; i < run.newEnd; i++) to[i] = undefined;
    forEachKept(runs, old.length, (i, was) => (to[i] = kept(i, from[was])));
  }

  private placeExternal(external: number, namespace: string | undefined): void {
    if (namespace && !this.externalNamespace.has(external)) this.externalNamespace.set(external, namespace);
  }

  /** Each edge's source and target positions, two entries per edge (-1 for an end that is not a node). */
  get edgeEnds(): Int32Array {
    this.assertKept();
    return this.ends;
  }

  /** Facts given up must not be read: their arrays by position are other facts' now. */
  private assertKept(): void {
    if (this.givenAway) throw new Error('These topology facts were given up when newer ones were made; ask TopologyFacts.of(topology) again.');
  }

  node(id: string): TopologyNode | undefined {
    const position = this.positions.nodePosition(id);
    return position < 0 ? undefined : this.topology.nodes[position];
  }

  kindOf(id: string): string {
    if (isGroupId(id)) return id.startsWith('Zone/') ? 'Zone' : 'Nodes';
    return this.node(id)?.kind ?? '';
  }

  hasProblem(id: string): boolean {
    this.assertKept();
    const position = this.positions.get(id);
    return position !== undefined && this.problem[position] === 1;
  }

  /** One sentence for a problem listed rather than drawn. */
  problemOf(node: TopologyNode): string {
    return node.findings?.find((f) => f.severity !== 'info')?.message ?? node.problems[0] ?? node.missingReason ?? this.problemEnds.get(this.positions.get(node.id) ?? -1) ?? 'problem';
  }

  /**
   * The aggregates that hold a node, outermost first; null when the arrangement does not draw it
   * (Services when drawing by Node). Namespaces hold their objects, workloads their pods, Services
   * their EndpointSlices; the Nodes group (or zones) holds the Nodes, and by Node, Nodes hold their pods.
   */
  containers(node: TopologyNode, arrangement: ViewArrangement): readonly string[] | null {
    this.assertKept();
    const position = this.positions.get(node.id);
    return position === undefined ? null : this.containersAt(position, arrangement);
  }

  private containersAt(position: number, arrangement: ViewArrangement): readonly string[] | null {
    const cache = this.chains[arrangement];
    let chain = cache[position];
    if (chain === undefined) cache[position] = chain = arrangement === 'layers' ? this.layerChain(position) : this.nodeChain(position);
    return chain;
  }

  /** A node's or group's position, given one if it has none (groups get theirs as chains name them). */
  positionOf(id: string): number {
    return this.positions.positionOf(id);
  }

  positionCount(): number {
    return this.positions.size;
  }

  idAt(position: number): string {
    return this.positions.ids[position];
  }

  /** Every node's chain as positions: the outer and inner aggregate (-1 for none), and -2 as outer for what the arrangement does not draw. */
  chainIndex(arrangement: ViewArrangement): ChainIndex {
    this.assertKept();
    const cached = this.chainIndexes[arrangement];
    if (cached) return cached;
    const count = this.topology.nodes.length;
    const spare = this.spareIndexes[arrangement];
    this.spareIndexes[arrangement] = undefined;
    const index: ChainIndex = { outer: arrayOn(Int32Array, count, -1, spare?.outer), inner: arrayOn(Int32Array, count, -1, spare?.inner) };
    // A kept chain's entries are those of the facts it was kept from, in their positions: the same
    // ones, or moved with the runs of nodes that differ (an entry in a run is looked up again).
    const seed = this.chainSeeds[arrangement];
    this.chainSeeds[arrangement] = undefined;
    const runs = seed?.runs;
    // A group's position may have been given up since (positions made again from the nodes): its id says.
    const moved = (position: number, id: string | undefined) => {
      if (position < 0 || !runs) return position;
      const now = movedPast(position, runs);
      return now !== undefined && this.positions.ids[now] === id ? now : this.positionOf(id!);
    };
    for (let i = 0; i < count; i++) {
      const chain = this.containersAt(i, arrangement);
      const was = runs ? movedBack(i, runs) : i;
      if (seed && was !== undefined && chain === seed.chains[was]) {
        index.outer[i] = moved(seed.index.outer[was], chain?.[0]);
        index.inner[i] = moved(seed.index.inner[was], chain?.[1]);
      } else if (chain === null) index.outer[i] = -2;
      else {
        if (chain.length > 0) index.outer[i] = this.positionOf(chain[0]);
        if (chain.length > 1) index.inner[i] = this.positionOf(chain[1]);
      }
    }
    return (this.chainIndexes[arrangement] = index);
  }

  /** Who holds whom when drawing in an arrangement. */
  tree(arrangement: ViewArrangement): ContainmentTree {
    this.assertKept();
    const cached = this.trees[arrangement];
    if (cached) return cached;
    // Let go at the first tree asked for: holding the facts before longer keeps a second cluster's worth alive.
    const previous = this.previous;
    this.previous = undefined;
    const before = arrangement === 'layers' ? previous?.trees.layers : undefined;
    const [was, now] = [previous?.placed('layers'), this.placed('layers')];
    // A tree made from the one before takes its maps: the facts before make theirs again if asked.
    // Taken from them first, so that a failure half way leaves them none rather than a half-changed one.
    if (before) previous!.trees.layers = undefined;
    const derived = before && was ? (this.runs ? treeAroundRuns(before, was, now, this.runs) : treeFrom(before, was, now)) : undefined;
    // Not made from it, it is as it was.
    if (before && !derived) previous!.trees.layers = before;
    return (this.trees[arrangement] = derived ?? buildTree(this.placed(arrangement), arrangement));
  }

  /** Where this topology's nodes are held in an arrangement, for the containment tree. */
  private placed(arrangement: ViewArrangement): PlacedNodes {
    return { nodes: this.topology.nodes, chainAt: (i) => this.containersAt(i, arrangement), problem: this.problem, positionOf: (id) => this.positions.get(id)! };
  }

  /** A namespace's id, when the topology holds its node: objects of another namespace (traffic can name them) stand on their own. */
  private heldNamespaceId(namespace: string): string | null {
    let id = this.heldNamespaceIds.get(namespace);
    if (id === undefined) {
      const made = objectId('Namespace', namespace);
      this.heldNamespaceIds.set(namespace, (id = this.positions.nodePosition(made) >= 0 ? made : null));
    }
    return id;
  }

  private layerChain(position: number): readonly string[] {
    const node = this.topology.nodes[position];
    if (node.kind === 'Namespace') return [];
    if (node.kind === 'Node') return [NODES_GROUP];
    const namespace = node.kind === 'External' ? this.externalNamespace.get(position) : node.namespace;
    if (!namespace) return [];
    const outer = this.heldNamespaceId(namespace);
    if (!outer) return [];
    if (node.kind === 'Pod' && node.workload) return this.sharedChain(outer, node.workload);
    const service = node.kind === 'EndpointSlice' ? this.sliceService[position] : -1;
    return service >= 0 ? this.sharedChain(outer, this.positions.ids[service]) : this.sharedChain(outer);
  }

  /**
   * One chain per innermost aggregate, shared by what it holds: 150,000 pods' chains made anew took
   * 35 ms a revision. The innermost id decides the outer one; checked all the same, as it is cheap.
   */
  private sharedChain(outer: string, inner?: string): readonly string[] {
    const chain = this.chainsByInnermost.get(inner ?? outer);
    if (chain && chain[0] === outer && chain[1] === inner) return chain;
    const made = inner ? [outer, inner] : [outer];
    this.chainsByInnermost.set(inner ?? outer, made);
    return made;
  }

  private nodeChain(position: number): readonly string[] | null {
    const node = this.topology.nodes[position];
    if (node.kind === 'Node') return this.zoned ? [this.zoneOf(position)] : [];
    if (node.kind !== 'Pod') return null;
    const host = this.podNode[position];
    if (host < 0) return [UNSCHEDULED_GROUP];
    return this.zoned ? [this.zoneOf(host), this.positions.ids[host]] : [this.positions.ids[host]];
  }

  private zoneOf(position: number): string {
    const node = this.topology.nodes[position];
    return `Zone/${node.labels?.[ZONE_LABEL] ?? node.facts.zone ?? 'none'}`;
  }

  /**
   * The ids in a namespace scope: the namespaces' objects, and the cluster-scoped ones (Nodes,
   * Externals) they connect to, so that a scoped picture still ends at its Nodes.
   */
  scope(namespaces: ReadonlySet<string>): ReadonlySet<string> {
    const key = [...namespaces].sort().join('\u0000');
    let scope = this.scopes.get(key);
    if (scope) return scope;
    const inScope = new Set<string>();
    for (const node of this.topology.nodes) {
      if (node.kind === 'Namespace' ? namespaces.has(node.name) : node.namespace !== undefined && namespaces.has(node.namespace)) inScope.add(node.id);
    }
    const reached = new Set<string>();
    for (const edge of this.topology.edges) {
      if (inScope.has(edge.source) && this.node(edge.target)?.namespace === undefined) reached.add(edge.target);
      if (inScope.has(edge.target) && this.node(edge.source)?.namespace === undefined) reached.add(edge.source);
    }
    for (const id of reached) if (this.node(id)?.kind !== 'Namespace') inScope.add(id);
    this.scopes.set(key, (scope = inScope));
    return scope;
  }

  /** How many nodes the full and the namespace levels would draw, before problems past the cap are listed. */
  levelSizes(scope?: ReadonlySet<string>): { full: number; namespace: number } {
    this.assertKept();
    let full = 0;
    let namespace = 1;
    this.topology.nodes.forEach((node, i) => {
      if (scope && !scope.has(node.id)) return;
      full++;
      const folded = (node.kind === 'Pod' && node.workload) || node.kind === 'EndpointSlice' || node.kind === 'Node';
      if (!folded || this.problem[i] === 1) namespace++;
    });
    return { full, namespace };
  }
}
