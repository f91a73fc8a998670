import type { Topology, TopologyEdge } from '../../shared/model';
import type { ViewNode } from '../../shared/view';
import { projectToFit } from './projectView';

/** Past this many nodes a Mermaid diagram is unreadable and slow to render on GitHub: it is folded. */
export const MERMAID_NODE_LIMIT = 300;

/** The layers, left to right, as subgraphs. */
const LAYERS: readonly { id: string; title: string; kinds: readonly string[] }[] = [
  { id: 'entry', title: 'Entry: Ingress and Gateway', kinds: ['External', 'Ingress', 'Gateway', 'HTTPRoute', 'GRPCRoute'] },
  { id: 'services', title: 'Services', kinds: ['Service'] },
  { id: 'endpoints', title: 'EndpointSlices', kinds: ['EndpointSlice'] },
  { id: 'workloads', title: 'Workloads and Pods', kinds: ['Workload', 'Pod', 'Namespace'] },
  { id: 'nodes', title: 'Nodes', kinds: ['Node', 'Nodes', 'Zone'] },
];

/** Mermaid's own escapes: quotes and angle brackets as entity codes inside a quoted label. */
const text = (s: string) => s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

function nodeLabel(node: ViewNode): string {
  const kind = node.kind === 'Workload' ? (node.workloadKind ?? 'Workload') : node.kind;
  const name = node.namespace && node.kind !== 'Namespace' ? `${node.namespace}/${node.name}` : node.name;
  const pods = node.aggregate && !node.aggregate.expanded ? node.aggregate.holds.Pod?.total : undefined;
  return `${kind} ${name}${pods ? ` (${pods} pods)` : ''}`;
}

function edgeLabel(edge: TopologyEdge & { count?: number }): string {
  const parts: string[] = [];
  if (edge.host || edge.path) parts.push(`${edge.host ?? '*'}${edge.path ?? ''}`);
  if (edge.weight !== undefined) parts.push(`weight ${edge.weight}`);
  if (edge.count && edge.count > 1) parts.push(`×${edge.count}`);
  return parts.join(' ');
}

/**
 * A Mermaid flowchart of the topology for Markdown (GitHub and GitLab render it), with the layers
 * as subgraphs. Past `limit` nodes it folds pods into their workloads (and then everything into
 * namespaces) and says so in a comment and a note node, so a diagram never silently drops objects.
 */
export function toMermaid(topology: Topology, limit = MERMAID_NODE_LIMIT): string {
  const { view, folded } = projectToFit(topology, limit);
  // Boxes that only hold what is drawn anyway (a namespace, the group of every Node) would repeat
  // the layers; they are drawn only when folded.
  const nodes = view.nodes.filter((n) => !((n.kind === 'Namespace' || n.kind === 'Nodes') && n.aggregate?.expanded !== false) || folded === 'cluster');
  const ids = new Map(nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart LR'];
  if (folded) {
    const what = folded === 'namespace' ? 'pods folded into their workloads and EndpointSlices into their Services' : 'everything folded into its namespace';
    lines.push(`  %% ${topology.nodes.length} objects are more than ${limit} nodes: ${what}.`);
    lines.push(`  note["${text(`${topology.nodes.length} objects, drawn with ${what}`)}"]`);
  }
  for (const layer of LAYERS) {
    const members = nodes.filter((n) => layer.kinds.includes(n.kind));
    if (members.length === 0) continue;
    lines.push(`  subgraph ${layer.id}["${text(layer.title)}"]`);
    for (const node of members) lines.push(`    ${ids.get(node.id)}["${text(nodeLabel(node))}"]`);
    lines.push('  end');
  }
  const problems: string[] = [];
  for (const node of nodes) if (node.missing || node.findings?.some((f) => f.severity === 'error')) problems.push(ids.get(node.id)!);
  for (const edge of view.edges) {
    const [from, to] = [ids.get(edge.source), ids.get(edge.target)];
    if (!from || !to) continue;
    const label = edgeLabel(edge);
    const arrow = edge.type === 'observed' ? '-.->' : '-->';
    lines.push(`  ${from} ${arrow}${label ? `|"${text(label)}"|` : ''} ${to}`);
  }
  if (problems.length) lines.push('  classDef problem stroke:#d64545,stroke-width:3px,stroke-dasharray:4 2', `  class ${problems.join(',')} problem`);
  return `${lines.join('\n')}\n`;
}
