import type { Topology, TopologyNode } from '../../shared/model';
import type { ViewTotals } from '../../shared/view';
import type { DifferingRun } from './IdPositions';

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

/** The tally of a topology whose nodes are those of `before` but for a run, and where `before`'s nodes stood. */
export interface TallyBefore {
  tally: NodeTally;
  nodes: readonly TopologyNode[];
  run: DifferingRun;
  positionOf(id: string): number | undefined;
}

/**
 * Tallies a topology's nodes. Around a run, the tally before is taken for the nodes outside it and
 * the run counted in its place: a pass over every node reads each one's fields, 30 ms at 150,000 pods.
 */
export function tallyNodes(topology: Topology, before?: TallyBefore): NodeTally {
  const { nodes, edges } = topology;
  const flags = new Uint8Array(nodes.length);
  const totals: ViewTotals = { pods: 0, workloads: 0, namespaces: 0, services: 0, nodes: 0, objects: nodes.length, edges: edges.length };
  const names = new Set<string>();
  const externals: string[] = [];
  if (!before) {
    count(nodes, 0, nodes.length, 1, totals, names, { flags, externals });
    return { flags, totals, namespaces: [...names].sort(), externals };
  }
  const { tally, run } = before;
  for (const kind of ['pods', 'workloads', 'namespaces', 'services', 'nodes'] as const) totals[kind] = tally.totals[kind];
  for (const name of tally.namespaces) names.add(name);
  count(before.nodes, run.start, run.oldEnd, -1, totals, names);
  count(nodes, run.start, run.newEnd, 1, totals, names, { flags, externals });
  flags.set(tally.flags.subarray(0, run.start), 0);
  flags.set(tally.flags.subarray(run.oldEnd), run.newEnd);
  // The Externals outside the run, in node order around the run's own.
  const at = (id: string) => before.positionOf(id)!;
  const inOrder = [...tally.externals.filter((id) => at(id) < run.start), ...externals, ...tally.externals.filter((id) => at(id) >= run.oldEnd)];
  return { flags, totals, namespaces: [...names].sort(), externals: inOrder };
}

/**
 * Counts `nodes[from, to)` into the totals and namespace names (`sign` -1 takes them out), and
 * when counting in, marks their flags and lists their Externals.
 */
function count(nodes: readonly TopologyNode[], from: number, to: number, sign: 1 | -1, totals: ViewTotals, names: Set<string>, marks?: { flags: Uint8Array; externals: string[] }): void {
  for (let i = from; i < to; i++) {
    const node = nodes[i];
    if (marks) {
      if (node.missing || node.problems.length > 0 || node.findings?.some((f) => f.severity !== 'info')) marks.flags[i] |= OWN_PROBLEM;
      if (node.kind === 'External') {
        marks.flags[i] |= EXTERNAL;
        marks.externals.push(node.id);
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
