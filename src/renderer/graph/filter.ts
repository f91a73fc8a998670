import { matchesLabelSelector, parseLabelQuery } from '../../core/selectors';
import type { Topology } from '../../shared/model';

/**
 * The part of a topology shown for a set of namespaces (null: all). Cluster-scoped nodes (Nodes,
 * Externals) stay when something shown connects to them, so a filtered view still ends at the Nodes.
 */
export function filterByNamespaces(topology: Topology, namespaces: ReadonlySet<string> | null): Topology {
  if (namespaces === null) return topology;
  const inScope = new Set(topology.nodes.filter((n) => (n.kind === 'Namespace' ? namespaces.has(n.name) : n.namespace !== undefined && namespaces.has(n.namespace))).map((n) => n.id));
  const reached = new Set(inScope);
  for (const edge of topology.edges) {
    if (inScope.has(edge.source)) reached.add(edge.target);
    if (inScope.has(edge.target)) reached.add(edge.source);
  }
  const nodes = topology.nodes.filter((n) => inScope.has(n.id) || (reached.has(n.id) && n.namespace === undefined));
  const kept = new Set(nodes.map((n) => n.id));
  return { nodes, edges: topology.edges.filter((e) => kept.has(e.source) && kept.has(e.target)) };
}

/**
 * Ids of nodes matching a search: `key=value`, `key!=value` and bare `key=` are label queries;
 * anything else is a case-insensitive part of the name. An empty term matches nothing.
 */
export function searchTopology(topology: Topology, term: string): Set<string> {
  const query = term.trim();
  if (!query) return new Set();
  const selector = parseLabelQuery(query);
  const needle = query.toLowerCase();
  const matches = topology.nodes.filter((n) =>
    selector ? n.labels !== undefined && matchesLabelSelector(n.labels, selector) : n.name.toLowerCase().includes(needle) || n.id.toLowerCase() === needle,
  );
  return new Set(matches.map((n) => n.id));
}

export function namespacesOf(topology: Topology): string[] {
  return topology.nodes.filter((n) => n.kind === 'Namespace').map((n) => n.name).sort();
}

export type EdgeView = 'both' | 'objects' | 'flows';

/** Objects only, observed traffic only, or both: the toolbar's toggle. Nodes stay either way. */
export function filterEdges(topology: Topology, view: EdgeView): Topology {
  if (view === 'both') return topology;
  return { nodes: topology.nodes, edges: topology.edges.filter((e) => (view === 'flows') === (e.type === 'observed')) };
}
