import type { ObservedTraffic, Topology, TopologyEdge, TopologyNode } from '../../shared/model';
import type { Aggregate, HeldCount, ViewEdge, ViewGraph, ViewLevel, ViewNode, ViewSpec } from '../../shared/view';
import { NODE_BUDGET, PROBLEMS_DRAWN_PER_AGGREGATE } from '../../shared/view';
import { countInto, groupNode, isGroupId, type ContainmentTree } from './containmentTree';
import { TopologyFacts, type ViewArrangement } from './TopologyFacts';
import { sameJson } from './viewDelta';

/** Whether a level opens an aggregate of a kind: `full` opens all, `namespace` opens namespaces, `cluster` and `nodes` none. */
export function openAtLevel(level: ViewLevel, kind: string): boolean {
  return level === 'full' || (level === 'namespace' && kind === 'Namespace');
}

/**
 * The spec with one aggregate opened or folded, recorded only where it differs from what the level
 * does, so that expanding and then collapsing gives back the spec (and the view) one started from.
 */
export function withAggregate(spec: ViewSpec, level: ViewLevel, id: string, kind: string, open: boolean): ViewSpec {
  const expanded = (spec.expanded ?? []).filter((e) => e !== id);
  const collapsed = (spec.collapsed ?? []).filter((c) => c !== id);
  if (open !== openAtLevel(level, kind)) (open ? expanded : collapsed).push(id);
  const next: ViewSpec = { ...spec, level };
  if (expanded.length) next.expanded = expanded;
  else delete next.expanded;
  if (collapsed.length) next.collapsed = collapsed;
  else delete next.collapsed;
  return next;
}

/** The level an `auto` spec starts at: the deepest whose picture fits the node budget. */
export function resolveLevel(spec: ViewSpec, facts: TopologyFacts): ViewLevel {
  if (spec.level !== 'auto') return spec.level;
  const scope = spec.namespaces ? new Set(spec.namespaces) : undefined;
  const sizes = facts.levelSizes(scope);
  if (sizes.full <= NODE_BUDGET) return 'full';
  if (sizes.namespace <= NODE_BUDGET) return 'namespace';
  return 'cluster';
}

/**
 * The topology as drawn for a view spec. Objects fold into the aggregates that hold them
 * (pods into workloads, EndpointSlices into Services, everything into its namespace, Nodes into
 * one group or into zones) unless the level or the user opened them; folded edges join the
 * aggregates with counts. Two rules hold at every level:
 * - every object is counted: an aggregate says what it holds, by kind and status;
 * - no problem is hidden: an object with a problem is drawn on its own, up to
 *   PROBLEMS_DRAWN_PER_AGGREGATE per aggregate, and the aggregate lists the rest.
 * Pure and deterministic: the same topology and spec give the same view.
 *
 * `previous`, a view made before (of the same spec, usually the last revision's): what comes out
 * equal to its elements is its own objects, so that a diff finds them unchanged at a glance and a
 * client keeps them. It changes no value: only which objects hold them.
 */
export function projectView(topology: Topology, spec: ViewSpec, previous?: ViewGraph): ViewGraph {
  const reuse = previous && made.get(previous);
  const facts = TopologyFacts.of(topology);
  const level = resolveLevel(spec, facts);
  const arrangement: ViewArrangement = level === 'nodes' ? 'nodes' : 'layers';
  const tree = facts.tree(arrangement);
  const expanded = new Set(spec.expanded ?? []);
  const collapsed = new Set(spec.collapsed ?? []);
  const openness = new Map<string, boolean>();
  const isOpen = (id: string): boolean => {
    let open = openness.get(id);
    if (open === undefined) openness.set(id, (open = expanded.has(id) || (!collapsed.has(id) && openAtLevel(level, facts.kindOf(id)))));
    return open;
  };
  const scope = spec.namespaces ? facts.scope(new Set(spec.namespaces)) : undefined;
  const inScope = (id: string) => !scope || scope.has(id) || (isGroupId(id) && heldInScope(tree, id, scope, facts) !== undefined);
  /** The aggregates holding a node, outermost first; an External shared with a namespace outside the scope stands on its own. */
  const chainOf = (node: TopologyNode): readonly string[] | null => {
    const chain = facts.containers(node, arrangement);
    return scope && chain && chain.length > 0 && facts.kindOf(chain[0]) === 'Namespace' && !scope.has(chain[0]) ? [] : chain;
  };

  const drawn = new Map<string, ViewNode>();
  const derivedNodes = new Map<string, Derived>();
  /** A node drawn with something added (an aggregate, what it folds into): the previous view's when made from the same node and equal. */
  const derived = (node: TopologyNode, added: Partial<ViewNode>, same: (was: ViewNode) => boolean): ViewNode => {
    const was = reuse?.nodes.get(node.id);
    // Usually the topology's own node again; groups, implied namespaces and nodes given findings are made
    // afresh for each topology, and are compared whole (the diff would compare them anyway).
    const sameBase = was && (was.base === node || sameJson(was.base, node));
    const result = was && sameBase && same(was.node) ? was.node : { ...node, ...added };
    derivedNodes.set(node.id, { base: node, node: result });
    return result;
  };
  const visit = (id: string): void => {
    if (!inScope(id)) return;
    const node = facts.node(id) ?? groupNode(id)!;
    if (!isAggregateKind(node.kind, arrangement)) {
      drawn.set(id, node);
      return;
    }
    const open = isOpen(id);
    // A namespace's aggregates are in a scope whole; the cluster-scoped ones (Nodes, zones) hold what it reaches.
    const held = scope && node.kind !== 'Namespace' && !node.namespace ? (heldInScope(tree, id, scope, facts) ?? {}) : (tree.holds.get(id) ?? {});
    const problems = (tree.problems.get(id) ?? []).filter((p) => !scope || scope.has(p));
    const aggregate: Aggregate = { expanded: open, holds: held, problems: problems.length, moreProblems: [] };
    const runs = tree.workloads.get(id);
    if (runs) aggregate.workloads = topWorkloads(runs, facts);
    // Folded, its problems are drawn on their own, up to the cap, and the rest are listed.
    const shown = open ? [] : problems.slice(0, PROBLEMS_DRAWN_PER_AGGREGATE);
    if (!open) for (const problemId of problems.slice(PROBLEMS_DRAWN_PER_AGGREGATE)) aggregate.moreProblems.push({ id: problemId, problem: facts.problemOf(facts.node(problemId)!) });
    drawn.set(id, derived(node, { aggregate }, (was) => sameJson(was.aggregate, aggregate)));
    for (const problemId of shown) drawn.set(problemId, derived(facts.node(problemId)!, { foldedInto: id }, (was) => was.foldedInto === id));
    if (open) for (const child of tree.children.get(id) ?? []) visit(child);
  };
  for (const id of tree.top) visit(id);
  // Externals that belong with a namespace outside the scope stand on their own.
  if (scope) for (const id of facts.externals) if (scope.has(id) && !drawn.has(id) && chainOf(facts.node(id)!)?.length === 0) drawn.set(id, facts.node(id)!);

  // Edges are many (310,000 at 150,000 pods): what each end is drawn as is worked out on positions.
  const chains = facts.chainIndex(arrangement);
  const isDrawn = new Uint8Array(facts.positionCount());
  for (const id of drawn.keys()) isDrawn[facts.positionOf(id)] = 1;
  const openAt = new Int8Array(isDrawn.length).fill(-1);
  const folded = (position: number) => {
    if (openAt[position] < 0) openAt[position] = isOpen(facts.idAt(position)) ? 1 : 0;
    return openAt[position] === 0;
  };
  const scoped = scope && new Uint8Array(isDrawn.length);
  if (scoped) for (const id of scope!) scoped[facts.positionOf(id)] = 1;
  /** What the object at a position is drawn as: itself, the folded aggregate that holds it, or nothing (-1). */
  const drawnAs = (position: number): number => {
    if (position < 0) return -1;
    if (isDrawn[position]) return position;
    let outer = chains.outer[position];
    if (outer === -2) return -1;
    // An External shared with a namespace outside the scope stands on its own.
    if (scoped && outer >= 0 && !scoped[outer] && facts.kindOf(facts.idAt(outer)) === 'Namespace') outer = -1;
    if (outer >= 0 && folded(outer)) return isDrawn[outer] ? outer : -1;
    const inner = chains.inner[position];
    if (outer >= 0 && inner >= 0 && folded(inner)) return isDrawn[inner] ? inner : -1;
    return -1;
  };
  const { edges, joins } = projectEdges(topology, facts, drawnAs, scoped, reuse?.joins);
  const view: ViewGraph = { level, nodes: [...drawn.values()], edges, totals: facts.totals, namespaces: facts.namespaces };
  made.set(view, { nodes: derivedNodes, joins });
  // Only the newest view made from a chain is asked for again: the older one's record would just hold old objects alive.
  if (previous) made.delete(previous);
  return view;
}

/** A drawn node made from a topology node, and that node. */
interface Derived {
  base: TopologyNode;
  node: ViewNode;
}

/** A joined edge and the topology edges it joins, in order: made again from the same edges, it is the same. */
interface Join {
  /** The edge type (and traffic verdict) joined, as a number (`joinKind`). */
  kind: number;
  source: string;
  target: string;
  members: TopologyEdge[];
  edge?: ViewEdge;
}

/** Joins by source id, then target id: found again by the ids the topology holds, with no string built. */
type Joins = Map<string, Map<string, Join[]>>;

/** What a view was made of, for the next projection to reuse; kept only for the newest view of a chain. */
const made = new WeakMap<ViewGraph, { nodes: ReadonlyMap<string, Derived>; joins: Joins }>();

/**
 * Edge types and traffic verdicts as numbers, and back: a joined edge's kind is worked out once per
 * edge, with no string built. A cache of a few entries that only grows with new kinds; no number
 * reaches a view, so projections stay deterministic.
 */
const kindNumbers = new Map<string, Map<string, number>>();
const kindNames: string[] = [];

function joinKind(edge: TopologyEdge): number {
  let byVerdict = kindNumbers.get(edge.type);
  if (!byVerdict) kindNumbers.set(edge.type, (byVerdict = new Map()));
  const verdict = edge.observed?.verdict ?? '';
  let kind = byVerdict.get(verdict);
  if (kind === undefined) {
    byVerdict.set(verdict, (kind = kindNames.length));
    kindNames.push(verdict ? `${edge.type}#${verdict}` : edge.type);
  }
  return kind;
}

/** How many workloads a Node cell names. */
const WORKLOADS_NAMED = 5;

function topWorkloads(runs: ReadonlyMap<string, number>, facts: TopologyFacts): NonNullable<Aggregate['workloads']> {
  return [...runs]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, WORKLOADS_NAMED)
    .map(([id, pods]) => ({ id, name: facts.node(id)?.name ?? id, pods }));
}

/** Kinds drawn as aggregates: they can fold what they hold, or open it. */
function isAggregateKind(kind: string, arrangement: ViewArrangement): boolean {
  return kind === 'Namespace' || kind === 'Workload' || kind === 'Service' || kind === 'Nodes' || kind === 'Zone' || (arrangement === 'nodes' && kind === 'Node');
}

/** What a cluster-scoped aggregate holds within a scope (its members reached from the scope's namespaces); undefined when nothing. */
function heldInScope(tree: ContainmentTree, group: string, scope: ReadonlySet<string>, facts: TopologyFacts): Record<string, HeldCount> | undefined {
  let held: Record<string, HeldCount> | undefined;
  const walk = (id: string) => {
    for (const child of tree.children.get(id) ?? []) {
      if (!scope.has(child)) continue;
      countInto((held ??= {}), facts.node(child)!);
      walk(child);
    }
  };
  walk(group);
  return held;
}

/**
 * Each edge joins what its ends are drawn as. An edge inside one aggregate disappears into it; an
 * edge between drawn objects stays itself; the rest join aggregates, one edge per type (and traffic
 * verdict) and pair, with the count and the traffic summed. A joined edge made of the same topology
 * edges as one of `reuse` is that one.
 */
function projectEdges(
  topology: Topology,
  facts: TopologyFacts,
  drawnAs: (position: number) => number,
  scoped: Uint8Array | undefined,
  reuse: Joins | undefined,
): { edges: ViewEdge[]; joins: Joins } {
  // In drawing order: edges drawn as themselves, and joins, made into edges once all their members are known.
  const order: (TopologyEdge | Join)[] = [];
  // Joins by kind, then by the pair of positions they join: no string per edge.
  const byKind: Map<number, Join>[] = [];
  const joins: Joins = new Map();
  const positions = facts.positionCount();
  const ends = facts.edgeEnds;
  for (let i = 0; i < topology.edges.length; i++) {
    const from = ends[2 * i];
    const to = ends[2 * i + 1];
    if (scoped && !(scoped[from] && scoped[to])) continue;
    const sourceAt = drawnAs(from);
    const targetAt = drawnAs(to);
    if (sourceAt < 0 || targetAt < 0 || sourceAt === targetAt) continue;
    const edge = topology.edges[i];
    const source = facts.idAt(sourceAt);
    const target = facts.idAt(targetAt);
    // Which Node each pod runs on is what the Nodes group counts; a folded group draws no line per pod.
    if (edge.type === 'pod-node' && isGroupId(target)) continue;
    if (source === edge.source && target === edge.target) {
      order.push(edge);
      continue;
    }
    const kind = joinKind(edge);
    const pairs = (byKind[kind] ??= new Map());
    const pair = sourceAt * positions + targetAt;
    const join = pairs.get(pair);
    if (join) join.members.push(edge);
    else {
      const first: Join = { kind, source, target, members: [edge] };
      pairs.set(pair, first);
      let targets = joins.get(source);
      if (!targets) joins.set(source, (targets = new Map()));
      const kinds = targets.get(target);
      if (kinds) kinds.push(first);
      else targets.set(target, [first]);
      order.push(first);
    }
  }
  const edges = order.map((item) => {
    if (!('members' in item)) return item;
    const was = reuse?.get(item.source)?.get(item.target)?.find((join) => join.kind === item.kind);
    item.edge = was?.edge && sameMembers(was.members, item.members) ? was.edge : joinedEdge(item);
    return item.edge;
  });
  return { edges, joins };
}

const sameMembers = (a: readonly TopologyEdge[], b: readonly TopologyEdge[]) => a.length === b.length && a.every((edge, i) => edge === b[i]);

/** One edge for the topology edges that join one pair of drawn aggregates, in topology order. */
function joinedEdge(join: Join): ViewEdge {
  const [edge, ...more] = join.members;
  const joined: ViewEdge = { id: `view:${kindNames[join.kind]}:${join.source}->${join.target}`, source: join.source, target: join.target, type: edge.type, ports: [...edge.ports], problems: [...edge.problems], count: 1 };
  if (edge.conditions) joined.conditions = { ...edge.conditions };
  if (edge.observed) joined.observed = { ...edge.observed, counts: { ...edge.observed.counts }, dropReasons: [...edge.observed.dropReasons], policies: [...edge.observed.policies], services: [...edge.observed.services] };
  for (const other of more) addTo(joined, other);
  return joined;
}

/** Room for a few distinct ports and problems on a joined edge; the details panel has the rest. */
const JOINED_LIST_CAP = 4;

function addTo(joined: ViewEdge, edge: TopologyEdge): void {
  joined.count = (joined.count ?? 1) + 1;
  for (const port of edge.ports) {
    if (joined.ports.length >= JOINED_LIST_CAP) break;
    if (!joined.ports.some((p) => p.port === port.port && p.containerPort === port.containerPort && p.protocol === port.protocol)) joined.ports.push(port);
  }
  for (const problem of edge.problems) if (joined.problems.length < JOINED_LIST_CAP && !joined.problems.includes(problem)) joined.problems.push(problem);
  // Joined endpoints are ready only when all are.
  if (joined.conditions && edge.conditions) {
    joined.conditions.ready = joined.conditions.ready !== false && edge.conditions.ready !== false;
    joined.conditions.terminating = !!joined.conditions.terminating || !!edge.conditions.terminating;
  }
  if (joined.observed && edge.observed) mergeTraffic(joined.observed, edge.observed);
}

function mergeTraffic(into: ObservedTraffic, from: ObservedTraffic): void {
  for (const [verdict, n] of Object.entries(from.counts)) into.counts[verdict] = (into.counts[verdict] ?? 0) + n;
  into.count += from.count;
  into.ratePerSecond += from.ratePerSecond;
  into.first = Math.min(into.first, from.first);
  into.last = Math.max(into.last, from.last);
  for (const [list, more] of [
    [into.dropReasons, from.dropReasons],
    [into.policies, from.policies],
    [into.services, from.services],
  ] as const) {
    for (const item of more) if (!list.includes(item)) list.push(item);
  }
}

/**
 * The view for an export: the whole topology while it has at most `limit` nodes, else folded to
 * workloads, then to namespaces; `folded` says which, so the export can say so.
 */
export function projectToFit(topology: Topology, limit: number): { view: ViewGraph; folded?: ViewLevel } {
  for (const level of ['full', 'namespace', 'cluster'] as const) {
    const view = projectView(topology, { level });
    const drawn = view.nodes.filter((n) => level !== 'full' || n.kind !== 'Namespace');
    if (drawn.length <= limit || level === 'cluster') return { view, ...(level !== 'full' ? { folded: level } : {}) };
  }
  throw new Error('unreachable');
}
