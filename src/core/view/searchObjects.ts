import type { Topology } from '../../shared/model';
import type { SearchResult } from '../../shared/view';
import { matchesLabelSelector, parseLabelQuery } from '../selectors';
import { TopologyFacts } from './TopologyFacts';

/**
 * Ids of nodes matching a search: `key=value`, `key!=value` and bare `key=` are label queries;
 * anything else is a case-insensitive part of the name, or a whole id. An empty term matches nothing.
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

/** How many hits a search returns at most; the total says how many there are. */
export const SEARCH_HIT_LIMIT = 50;

/**
 * A search over every object, folded ones included. Each hit says which aggregates hold it, so
 * that picking it can open them. Exact ids and names come first, then the rest by id.
 */
export function searchObjects(topology: Topology, term: string, limit = SEARCH_HIT_LIMIT): SearchResult {
  const ids = searchTopology(topology, term);
  const facts = TopologyFacts.of(topology);
  const needle = term.trim().toLowerCase();
  const exact = (id: string) => (id.toLowerCase() === needle || id.slice(id.lastIndexOf('/') + 1).toLowerCase() === needle ? 0 : 1);
  const ranked = [...ids].sort((a, b) => exact(a) - exact(b) || (a < b ? -1 : a > b ? 1 : 0));
  const hits = ranked.slice(0, limit).map((id) => {
    const node = facts.node(id)!;
    return { id, kind: node.kind, name: node.name, ...(node.namespace ? { namespace: node.namespace } : {}), within: [...(facts.containers(node, 'layers') ?? [])] };
  });
  return { total: ids.size, hits };
}
