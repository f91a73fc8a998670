import type { TopologyNode } from '../../shared/model';
import type { HeldCount } from '../../shared/view';
import type { ViewArrangement } from './TopologyFacts';

/** Who holds whom, for one arrangement: the same for every spec, so worked out once per topology. */
export interface ContainmentTree {
  /** What nothing holds: namespaces, groups, cluster-scoped objects that stand alone. */
  top: string[];
  /** What each aggregate holds directly. */
  children: Map<string, string[]>;
  /** What each aggregate holds at any depth, by kind and status. */
  holds: Map<string, Record<string, HeldCount>>;
  /** What each aggregate holds at any depth that has a problem, in topology order. */
  problems: Map<string, string[]>;
  /** By Node: how many pods of each workload each Node runs. */
  workloads: Map<string, Map<string, number>>;
}

/** A topology's nodes with what holds each, by position: the facts' view of them, for a tree. */
export interface PlacedNodes {
  nodes: readonly TopologyNode[];
  /** The aggregates that hold a node, outermost first; null when the arrangement does not draw it. */
  chainAt(position: number): readonly string[] | null;
  /** 1 where the node has a problem. */
  problem: Uint8Array;
  /** A node's position (its index in the topology). */
  positionOf(id: string): number;
}

/** The groups an arrangement draws that are no object of the topology: the Nodes' group, zones. */
export const isGroupId = (id: string) => id.startsWith('Nodes/') || id.startsWith('Zone/');

/**
 * Who holds whom in an arrangement, counting every node. Nodes held alike share one chain array
 * (the pods of a workload, see TopologyFacts) and come one after another in topology order, so the
 * children list and held counts of the last chain's aggregates are kept: a run of nodes looks them
 * up once.
 */
export function buildTree(placed: PlacedNodes, arrangement: ViewArrangement): ContainmentTree {
  const tree: ContainmentTree = { top: [], children: new Map(), holds: new Map(), problems: new Map(), workloads: new Map() };
  const topGroups = new Set<string>();
  const { nodes } = placed;
  let last: { chain: readonly string[]; siblings: string[]; held: Record<string, HeldCount>[] } | undefined;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const chain = placed.chainAt(i);
    if (chain === null) continue;
    if (chain.length === 0) tree.top.push(node.id);
    else {
      if (last?.chain !== chain) {
        if (isGroupId(chain[0]) && !topGroups.has(chain[0])) {
          topGroups.add(chain[0]);
          tree.top.push(chain[0]);
        }
        last = { chain, siblings: childrenOf(tree, chain[chain.length - 1]), held: chain.map((container) => holdingsOf(tree, container)) };
      }
      last.siblings.push(node.id);
      if (arrangement === 'nodes' && node.kind === 'Pod' && node.workload) {
        const parent = chain[chain.length - 1];
        let runs = tree.workloads.get(parent);
        if (!runs) tree.workloads.set(parent, (runs = new Map()));
        runs.set(node.workload, (runs.get(node.workload) ?? 0) + 1);
      }
      for (const held of last.held) countInto(held, node);
    }
    if (placed.problem[i] !== 1) continue;
    for (const container of chain) {
      const problems = tree.problems.get(container);
      if (problems) problems.push(node.id);
      else tree.problems.set(container, [node.id]);
    }
  }
  return tree;
}

/** What an aggregate holds directly, made when first asked for. */
function childrenOf(tree: ContainmentTree, parent: string): string[] {
  let siblings = tree.children.get(parent);
  if (!siblings) tree.children.set(parent, (siblings = []));
  return siblings;
}

/** What an aggregate holds at any depth, by kind and status, made when first asked for. */
function holdingsOf(tree: ContainmentTree, container: string): Record<string, HeldCount> {
  let held = tree.holds.get(container);
  if (!held) tree.holds.set(container, (held = {}));
  return held;
}

/**
 * The layered tree of a topology with the same node ids and edge ends as one whose tree is known:
 * only the nodes that are other objects, or whose problem flag changed, are counted again, in the
 * aggregates that hold them, when they are held as before. A status change so costs its part of
 * the cluster, not a count of every object (60 ms at 150,000 pods). Undefined when the tree is
 * better made again: many nodes changed, or one is held elsewhere.
 */
export function treeFrom(before: ContainmentTree, was: PlacedNodes, now: PlacedNodes): ContainmentTree | undefined {
  const { nodes } = now;
  const old = was.nodes;
  const changed: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (nodes[i] !== old[i] || now.problem[i] !== was.problem[i]) changed.push(i);
  if (changed.length > nodes.length / 4) return undefined;
  const chains = changed.map((i) => now.chainAt(i));
  for (const [k, i] of changed.entries()) {
    const a = chains[k];
    const b = was.chainAt(i);
    if (a !== b && (a === null || b === null || a.length !== b.length || a.some((id, j) => id !== b[j]))) return undefined;
  }
  const holds = new Map(before.holds);
  const problems = new Map(before.problems);
  // Copied on first change: the tree before stays as it was.
  const copied = new Set<string>();
  const heldBy = (container: string) => {
    let held = holds.get(container)!;
    if (!copied.has(container)) {
      copied.add(container);
      held = Object.fromEntries(Object.entries(held).map(([kind, count]) => [kind, { ...count }]));
      holds.set(container, held);
    }
    return held;
  };
  for (const [k, i] of changed.entries()) {
    const chain = chains[k];
    if (!chain) continue;
    const wasProblem = was.problem[i] === 1;
    const isProblem = now.problem[i] === 1;
    for (const container of chain) {
      if (nodes[i] !== old[i]) {
        // Counted in first, so that no kind's entry goes and comes back in another place.
        const held = heldBy(container);
        countInto(held, nodes[i]);
        countOutOf(held, old[i]);
      }
      if (wasProblem !== isProblem) problems.set(container, withProblem(problems.get(container) ?? [], nodes[i].id, i, isProblem, now.positionOf));
    }
  }
  for (const [container, list] of problems) if (list.length === 0) problems.delete(container);
  return { top: before.top, children: before.children, holds, problems, workloads: before.workloads };
}

/** A problems list (ids in topology order) with an id added at its place, or taken out. */
function withProblem(list: readonly string[], id: string, position: number, add: boolean, positionOf: (id: string) => number): string[] {
  if (!add) return list.filter((other) => other !== id);
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (positionOf(list[middle]) < position) low = middle + 1;
    else high = middle;
  }
  return [...list.slice(0, low), id, ...list.slice(low)];
}

/** The kind an object is counted as: workloads by their own kind (Deployment, StatefulSet, …). */
const heldKind = (node: TopologyNode) => (node.kind === 'Workload' ? (node.workloadKind ?? 'Workload') : node.kind);

/** The count a pod or a Node adds to besides its kind's total. */
function statusOf(node: TopologyNode): 'ready' | 'notReady' | 'terminating' | undefined {
  if (node.kind === 'Pod') return node.facts.phase === 'Terminating' ? 'terminating' : node.facts.ready === true ? 'ready' : 'notReady';
  if (node.kind === 'Node') return node.facts.ready === false || node.missing ? 'notReady' : 'ready';
  return undefined;
}

/** Counts one object into an aggregate's holdings. */
export function countInto(held: Record<string, HeldCount>, node: TopologyNode): void {
  const entry = (held[heldKind(node)] ??= { total: 0 });
  entry.total += 1;
  const status = statusOf(node);
  if (status) entry[status] = (entry[status] ?? 0) + 1;
  else if (node.kind === 'EndpointSlice') {
    // A Service's slices fold into it as endpoint counts.
    const endpoints = (held.Endpoint ??= { total: 0, ready: 0 });
    endpoints.total += Number(node.facts.endpoints ?? 0);
    endpoints.ready = (endpoints.ready ?? 0) + Number(node.facts.readyEndpoints ?? 0);
  }
}

/**
 * Takes one object out of an aggregate's holdings, the reverse of countInto; a count that falls to
 * zero goes, as if it had never been counted (the endpoint counts stay, as countInto makes them).
 */
export function countOutOf(held: Record<string, HeldCount>, node: TopologyNode): void {
  const key = heldKind(node);
  const entry = held[key];
  entry.total -= 1;
  const status = statusOf(node);
  if (status) {
    entry[status] = (entry[status] ?? 0) - 1;
    if (!entry[status]) delete entry[status];
  } else if (node.kind === 'EndpointSlice') {
    held.Endpoint.total -= Number(node.facts.endpoints ?? 0);
    held.Endpoint.ready = (held.Endpoint.ready ?? 0) - Number(node.facts.readyEndpoints ?? 0);
  }
  if (entry.total === 0) delete held[key];
}
