import type { Topology, TopologyNode } from '../../shared/model';
import type { ViewTotals } from '../../shared/view';
import { arrayOn, movedPast, type Runs } from './IdPositions';

/** A node's own flags: it has a problem of its own (it is missing, or says what is wrong), it is an External. */
export const OWN_PROBLEM = 1;
export const EXTERNAL = 2;

/** What a topology's nodes say of themselves: their flags by position, the totals, the namespaces held and the Externals, in node order. */
export interface NodeTally {
  flags: Uint8Array;
  totals: ViewTotals;
  namespaces: string[];
  externals: string[];
}

/** The tally of a topology whose nodes are those of this one's but for some runs, and where its nodes stood. */
export interface TallyBefore {
  tally: NodeTally;
  nodes: readonly TopologyNode[];
  runs: Runs;
  positionBefore(id: string): number | undefined;
}

/**
 * Tallies a topology's nodes. Around runs, the tally before is taken for the nodes outside them
 * and the runs counted in their place: a pass over every node reads each one's fields, 30 ms at
 * 150,000 pods. `spareFlags`: flags given up, whose buffer these may take (see arrayOn).
 */
export function tallyNodes(topology: Topology, before?: TallyBefore, spareFlags?: Uint8Array): NodeTally {
  const { nodes, edges } = topology;
  const flags = arrayOn(Uint8Array, nodes.length, 0, spareFlags);
  const totals: ViewTotals = { pods: 0, workloads: 0, namespaces: 0, services: 0, nodes: 0, objects: nodes.length, edges: edges.length };
  const names = new Set<string>();
  /** The Externals' positions. */
  const externals: number[] = [];
  const idsAt = (positions: number[]) => positions.map((at) => nodes[at].id);
  if (!before) {
    count(nodes, 0, nodes.length, 1, totals, names, { flags, externals });
    return { flags, totals, namespaces: [...names].sort(), externals: idsAt(externals) };
  }
  const { tally, runs } = before;
  for (const kind of ['pods', 'workloads', 'namespaces', 'services', 'nodes'] as const) totals[kind] = tally.totals[kind];
  for (const name of tally.namespaces) names.add(name);
  // Every run counted out before any is counted in: a namespace's node can move from one run to another.
  for (const run of runs) count(before.nodes, run.oldStart, run.oldEnd, -1, totals, names);
  let [was, i] = [0, 0];
  for (const run of runs) {
    count(nodes, run.newStart, run.newEnd, 1, totals, names, { flags, externals });
    flags.set(tally.flags.subarray(was, run.oldStart), i);
    [was, i] = [run.oldEnd, run.newEnd];
  }
  flags.set(tally.flags.subarray(was), i);
  // The Externals outside the runs, where they moved, with the runs' own, in node order.
  for (const id of tally.externals) {
    const moved = movedPast(before.positionBefore(id)!, runs);
    if (moved !== undefined) externals.push(moved);
  }
  return { flags, totals, namespaces: [...names].sort(), externals: idsAt(externals.sort((a, b) => a - b)) };
}

/**
 * Counts `nodes[from, to)` into the totals and namespace names (`sign` -1 takes them out), and
 * when counting in, marks their flags and lists the positions of their Externals.
 */
function count(nodes: readonly TopologyNode[], from: number, to: number, sign: 1 | -1, totals: ViewTotals, names: Set<string>, marks?: { flags: Uint8Array; externals: number[] }): void {
  for (let i = from; i < to; i++) {
    const node = nodes[i];
    if (marks) {
      if (node.missing || node.problems.length > 0 || node.findings?.some((f) => f.severity !== 'info')) marks.flags[i] |= OWN_PROBLEM;
      if (node.kind === 'External') {
        marks.flags[i] |= EXTERNAL;
        marks.externals.push(i);
      }
    }
    if (node.missing) continue;
    if (node.kind === 'Pod') totals.pods += sign;
    else if (node.kind === 'Workload') totals.workloads += sign;
    else if (node.kind === 'Service') totals.services += sign;
    else if (node.kind === 'Node') totals.nodes += sign;
    else if (node.kind === 'Namespace') {
      totals.namespaces += sign;
      if (sign > 0) names.add(node.name);
      else names.delete(node.name);
    }
  }
}
