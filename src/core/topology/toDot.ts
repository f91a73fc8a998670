import type { Topology, TopologyEdge, TopologyNode } from '../../shared/model';

const SHAPES: Record<string, string> = {
  Ingress: 'cds',
  Gateway: 'cds',
  HTTPRoute: 'parallelogram',
  GRPCRoute: 'parallelogram',
  Service: 'ellipse',
  EndpointSlice: 'box3d',
  Pod: 'box',
  Node: 'box',
  External: 'doublecircle',
  Workload: 'folder',
  Namespace: 'tab',
};

const escape = (text: string) => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const quote = (text: string) => `"${escape(text)}"`;
/** A DOT label of several lines; DOT's own `\n` separates them. */
const label = (lines: readonly string[]) => `"${lines.map(escape).join('\\n')}"`;

function edgeLabel(edge: TopologyEdge): string[] {
  const parts: string[] = [];
  if (edge.host || edge.path) parts.push(`${edge.host ?? '*'}${edge.path ?? ''}`);
  if (edge.defaultBackend) parts.push('default backend');
  if (edge.weight !== undefined) parts.push(`weight ${edge.weight}`);
  for (const p of edge.ports) parts.push([p.port, p.containerPort].filter((x) => x !== undefined).join('→') + `/${p.protocol}`);
  if (edge.conditions && !edge.conditions.ready) parts.push(edge.conditions.terminating ? 'terminating' : 'not ready');
  return parts;
}

function nodeLine(node: TopologyNode, indent: string): string {
  const attrs = [`label=${label([node.workloadKind ?? node.kind, node.name])}`, `shape=${SHAPES[node.kind] ?? 'box'}`];
  if (node.missing) attrs.push('style=dashed', 'color=red');
  else if (node.problems.length) attrs.push('color=orange');
  return `${indent}${quote(node.id)} [${attrs.join(', ')}];`;
}

/**
 * Graphviz DOT for a topology, with one cluster per namespace, so `strata graph -o dot | dot -Tsvg`
 * draws the same layers the app does. Namespace and workload nodes become clusters, not boxes.
 */
export function toDot(topology: Topology): string {
  const lines = ['digraph strata {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=8];'];
  const drawn = topology.nodes.filter((n) => n.kind !== 'Namespace' && n.kind !== 'Workload');
  const namespaces = [...new Set(drawn.map((n) => n.namespace).filter((ns): ns is string => !!ns))].sort();
  namespaces.forEach((ns, i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${quote(`namespace ${ns}`)};`);
    for (const node of drawn.filter((n) => n.namespace === ns)) lines.push(nodeLine(node, '    '));
    lines.push('  }');
  });
  for (const node of drawn.filter((n) => !n.namespace)) lines.push(nodeLine(node, '  '));
  for (const edge of topology.edges) {
    const attrs = [`label=${label(edgeLabel(edge))}`];
    if (edge.problems.length) attrs.push('color=red');
    if (edge.conditions && !edge.conditions.ready) attrs.push('style=dashed');
    lines.push(`  ${quote(edge.source)} -> ${quote(edge.target)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
