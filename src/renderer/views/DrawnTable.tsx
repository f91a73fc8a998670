import { useMemo } from 'react';
import { readingOrder, type Point } from '../../core/view/layout';
import { aggregateSubtitle, nodeSubtitle } from '../../core/view/toElements';
import type { ViewEdge, ViewNode } from '../../shared/view';

interface Props {
  nodes: readonly ViewNode[];
  edges: readonly ViewEdge[];
  positions: Readonly<Record<string, Point>>;
  selectedId: string | null;
  onSelect: (id: string) => void;
}

/** What a row says of an object's state: what is wrong first, else what it holds or its facts. */
function stateOf(node: ViewNode): string {
  if (node.missing) return `missing: ${node.missingReason ?? 'referenced, not in the cluster'}`;
  const findings = node.findings ?? [];
  const worst = findings.some((f) => f.severity === 'error') ? 'error' : findings.some((f) => f.severity === 'warning') ? 'warning' : null;
  const wrong = [...(worst ? [`${worst}: ${findings.filter((f) => f.severity === worst)[0].message}`] : []), ...node.problems.filter((p) => !findings.some((f) => f.message === p))];
  const said = node.aggregate && !node.aggregate.expanded ? aggregateSubtitle(node, node.aggregate) : nodeSubtitle(node);
  return [...wrong, said].filter(Boolean).join(' · ');
}

/**
 * What is drawn, as a table for screen readers and keyboards: one row per object in reading order
 * (namespace by namespace, layer by layer), its state and connections; a name opens its details.
 */
export function DrawnTable({ nodes, edges, positions, selectedId, onSelect }: Props) {
  const rows = useMemo(() => {
    const links = new Map<string, { out: number; in: number }>();
    const count = (id: string, way: 'out' | 'in') => {
      const entry = links.get(id) ?? { out: 0, in: 0 };
      entry[way] += 1;
      links.set(id, entry);
    };
    for (const edge of edges) {
      count(edge.source, 'out');
      count(edge.target, 'in');
    }
    const placed = nodes.flatMap((node) => {
      const at = positions[node.id];
      return at ? [{ id: node.id, band: node.namespace ?? (node.kind === 'Node' ? '~nodes' : '~cluster'), x: at.x, y: at.y, node }] : [];
    });
    return readingOrder(placed).map(({ node }) => ({ node, links: links.get(node.id) ?? { out: 0, in: 0 } }));
  }, [nodes, edges, positions]);
  return (
    <section className="flow-table drawn-table" aria-label="What is drawn, as a table" data-testid="drawn-table">
      <table>
        <caption>
          {rows.length} objects drawn, in reading order: namespace by namespace, from the entry points to the Nodes
        </caption>
        <thead>
          <tr>
            <th scope="col">kind</th>
            <th scope="col">namespace</th>
            <th scope="col">name</th>
            <th scope="col">state</th>
            <th scope="col">connections</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ node, links }) => (
            <tr key={node.id} aria-selected={node.id === selectedId} className={node.missing || node.problems.length ? 'dropped' : ''}>
              <td>{node.kind === 'Workload' ? (node.workloadKind ?? 'Workload') : node.kind}</td>
              <td>{node.namespace ?? ''}</td>
              <th scope="row">
                <button type="button" className="link" onClick={() => onSelect(node.id)}>
                  {node.name}
                </button>
              </th>
              <td>{stateOf(node)}</td>
              <td>
                {links.out} out, {links.in} in
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
