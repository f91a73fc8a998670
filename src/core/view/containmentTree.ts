import type { TopologyNode } from '../../shared/model';
import type { HeldCount } from '../../shared/view';
import { forEachKept, type Runs } from './IdPositions';
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

/** The one group of every Node at the layered levels, and the group of pods no Node runs. */
export const NODES_GROUP = 'Nodes/all';
export const UNSCHEDULED_GROUP = 'Nodes/unscheduled';

/** The node a group id stands for (the Nodes group, a zone); undefined for objects of the topology. */
export function groupNode(id: string): TopologyNode | undefined {
  if (!isGroupId(id)) return undefined;
  if (id === NODES_GROUP) return { id, kind: 'Nodes', name: 'Nodes', facts: {}, problems: [] };
  if (id === UNSCHEDULED_GROUP) return { id, kind: 'Nodes', name: 'Not scheduled', facts: {}, problems: [] };
  const zone = id.slice('Zone/'.length);
  return { id, kind: 'Zone', name: zone === 'none' ? 'no zone' : zone, facts: {}, problems: [] };
}

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
  let last: AtHand | undefined;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const chain = placed.chainAt(i);
    if (chain === null) continue;
    if (chain.length === 0) {
      tree.top.push(node.id);
      continue;
    }
    if (last?.chain !== chain && isGroupId(chain[0]) && !topGroups.has(chain[0])) {
      topGroups.add(chain[0]);
      tree.top.push(chain[0]);
    }
    last = countIn(tree, last, node, chain, placed.problem[i] === 1);
    if (arrangement === 'nodes' && node.kind === 'Pod' && node.workload) {
      const parent = chain[chain.length - 1];
      let runs = tree.workloads.get(parent);
      if (!runs) tree.workloads.set(parent, (runs = new Map()));
      runs.set(node.workload, (runs.get(node.workload) ?? 0) + 1);
    }
  }
  return tree;
}

/** The lists and counts of the aggregates of the chain counted last. */
interface AtHand {
  chain: readonly string[];
  siblings: string[];
  held: Record<string, HeldCount>[];
}

/**
 * Counts a node into the aggregates of its (non-empty) chain: a child of the innermost, held by
 * each, and a problem of each when it has one. Returns what is at hand for its chain, `last`
 * itself when the chain is the same array.
 */
function countIn(tree: ContainmentTree, last: AtHand | undefined, node: TopologyNode, chain: readonly string[], problem: boolean): AtHand {
  const hand = last?.chain === chain ? last : { chain, siblings: childrenOf(tree, chain[chain.length - 1]), held: chain.map((container) => holdingsOf(tree, container)) };
  hand.siblings.push(node.id);
  for (const held of hand.held) countInto(held, node);
  if (problem) {
    for (const container of chain) {
      const problems = tree.problems.get(container);
      if (problems) problems.push(node.id);
      else tree.problems.set(container, [node.id]);
    }
  }
  return hand;
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
 *
 * Made, it takes the maps of the tree before, which its owner gives up (see TopologyFacts.tree):
 * copying them (some 20,000 aggregates each at 150,000 pods) cost 20–50 ms a revision. The lists
 * and counts in them are never changed, only replaced: a view made before holds them.
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
  const { holds, problems } = before;
  // Copied on first change: a view made before holds the counts.
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

/**
 * The layered tree of a topology whose nodes are those of one with a known tree but for some runs
 * (namespaces' parts rebuilt: pods came or went), when those runs hold every node of the
 * namespaces they touch and the nodes around them are held as before: those namespaces are
 * counted again from the runs, the other aggregates kept. A revision in which pods came and went
 * so costs its namespaces, not a count of every object (150 ms at 150,000 pods). However long the
 * runs, they cost no more than counting them, plus a pass over chains the chain index needs
 * anyway. Undefined when the tree must be made again: a run touches a group, changes the top, or
 * touches a namespace with nodes outside the runs; or a node around them is held or flagged otherwise.
 * Made, it takes the maps of the tree before, as treeFrom does.
 */
export function treeAroundRuns(before: ContainmentTree, was: PlacedNodes, now: PlacedNodes, runs: Runs): ContainmentTree | undefined {
  const [old, nodes] = [was.nodes, now.nodes];
  // The namespaces the runs touch, each with the nodes it held in the old runs. What stands on its
  // own (a Namespace's node) must be the same ids in the same order in each run, so that the top stays.
  const touched = new Map<string, number>();
  for (const { oldStart, oldEnd, newStart, newEnd } of runs) {
    const [oldTop, newTop]: string[][] = [[], []];
    for (let i = oldStart; i < oldEnd; i++) {
      const chain = was.chainAt(i);
      if (chain === null || isGroupId(chain[0] ?? '')) return undefined;
      if (chain.length === 0) oldTop.push(old[i].id);
      else touched.set(chain[0], (touched.get(chain[0]) ?? 0) + 1);
    }
    for (let i = newStart; i < newEnd; i++) {
      const chain = now.chainAt(i);
      if (chain === null || isGroupId(chain[0] ?? '')) return undefined;
      if (chain.length === 0) newTop.push(nodes[i].id);
      else if (!touched.has(chain[0])) touched.set(chain[0], 0);
    }
    if (!sameList(oldTop, newTop)) return undefined;
  }
  // Each held nothing outside the runs (every node it holds is counted once among its holdings; Endpoint counts endpoints).
  for (const [namespace, inRuns] of touched) {
    const held = Object.entries(before.holds.get(namespace) ?? {}).reduce((sum, [kind, count]) => (kind === 'Endpoint' ? sum : sum + count.total), 0);
    if (held !== inRuns) return undefined;
  }
  // Around the runs (checked last: a pass over every other node), the same objects must be held and flagged alike.
  let alike = true;
  forEachKept(runs, old.length, (i, at) => {
    if (alike && (!sameList(was.chainAt(at), now.chainAt(i)) || was.problem[at] !== now.problem[i])) alike = false;
  });
  if (!alike) return undefined;
  // Their aggregates' entries are made again from the runs, in the maps of the tree before (new lists and counts: a view made before holds them).
  const tree: ContainmentTree = { top: before.top, children: before.children, holds: before.holds, problems: before.problems, workloads: before.workloads };
  const forget = (chain: readonly string[] | null) => {
    for (const container of chain ?? []) {
      tree.children.delete(container);
      tree.holds.delete(container);
      tree.problems.delete(container);
    }
  };
  for (const run of runs) {
    for (let i = run.oldStart; i < run.oldEnd; i++) forget(was.chainAt(i));
    for (let i = run.newStart; i < run.newEnd; i++) forget(now.chainAt(i));
  }
  let last: AtHand | undefined;
  for (const run of runs) {
    for (let i = run.newStart; i < run.newEnd; i++) {
      const chain = now.chainAt(i)!;
      if (chain.length > 0) last = countIn(tree, last, nodes[i], chain, now.problem[i] === 1);
    }
  }
  return tree;
}

/** Whether two lists of ids are the same: chains (each facts makes its own arrays), or what stands on top. */
function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
