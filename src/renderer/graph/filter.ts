import type { TopologyEdge } from '../../shared/model';

export type EdgeView = 'both' | 'objects' | 'flows';

/** Objects only, observed traffic only, or both: the toolbar's toggle. Nodes stay either way. */
export function filterEdges<G extends { edges: readonly TopologyEdge[] }>(graph: G, view: EdgeView): G {
  if (view === 'both') return graph;
  return { ...graph, edges: graph.edges.filter((e) => (view === 'flows') === (e.type === 'observed')) };
}
