import type { TopologyEdge } from '../../shared/model';
import type { ViewEdge, ViewNode } from '../../shared/view';

export type EdgeView = 'both' | 'objects' | 'flows';

/** Objects only, observed traffic only, or both: the toolbar's toggle. Nodes stay either way. */
export function filterEdges<G extends { edges: readonly TopologyEdge[] }>(graph: G, view: EdgeView): G {
  if (view === 'both') return graph;
  return { ...graph, edges: graph.edges.filter((e) => (view === 'flows') === (e.type === 'observed')) };
}

/** Whether a drawn node stands for a problem: its own, a finding above info, or problems folded inside it. */
export function hasProblem(node: ViewNode): boolean {
  return !!node.missing || node.problems.length > 0 || !!node.findings?.some((f) => f.severity !== 'info') || (node.aggregate?.problems ?? 0) > 0;
}

/**
 * The "problems only" filter: nodes with a problem, their neighbours (so a broken wire shows both
 * ends), and the boxes that hold any of them. Edges are kept between kept nodes.
 */
export function filterProblems<G extends { nodes: readonly ViewNode[]; edges: readonly ViewEdge[] }>(graph: G): G {
  const keep = new Set(graph.nodes.filter(hasProblem).map((n) => n.id));
  for (const edge of graph.edges) {
    if (edge.problems.length > 0 || keep.has(edge.source) || keep.has(edge.target)) {
      keep.add(edge.source);
      keep.add(edge.target);
    }
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const id of [...keep]) {
    const node = byId.get(id);
    if (!node) continue;
    if (node.workload) keep.add(node.workload);
    if (node.namespace) keep.add(`Namespace/${node.namespace}`);
    if (node.kind === 'Node') keep.add('Nodes/all');
  }
  return { ...graph, nodes: graph.nodes.filter((n) => keep.has(n.id)), edges: graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target)) };
}
