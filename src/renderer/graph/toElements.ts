import type { PolicyOverlay, Topology, TopologyEdge, TopologyNode } from '../../shared/model';
import type { LayoutState } from './layout';

/** A Cytoscape element as plain data: what the view hands to `cy.add`, and what tests inspect. */
export interface GraphElement {
  group: 'nodes' | 'edges';
  data: Record<string, unknown> & { id: string };
  position?: { x: number; y: number };
  classes: string;
}

function nodeSubtitle(node: TopologyNode): string {
  const f = node.facts;
  switch (node.kind) {
    case 'Service':
      return [f.type, f.headless ? 'headless' : (f.clusterIPs as string[] | undefined)?.[0], f.externalName].filter(Boolean).join(' · ');
    case 'Pod':
      return [(f.podIPs as string[] | undefined)?.[0], f.phase].filter(Boolean).join(' · ');
    case 'EndpointSlice':
      return `${f.readyEndpoints}/${f.endpoints} ready`;
    case 'Node':
      return [f.internalIP, f.zone].filter(Boolean).join(' · ');
    case 'Ingress':
      return ((f.hosts as string[] | undefined) ?? []).join(', ');
    case 'Gateway':
      return String(f.gatewayClass ?? '');
    case 'HTTPRoute':
    case 'GRPCRoute':
      return ((f.hostnames as string[] | undefined) ?? []).join(', ');
    case 'External':
      return ((f.roles as string[] | undefined) ?? []).join(', ');
    case 'Workload':
      return `${node.workloadKind} · ${f.readyPods}/${f.pods} ready`;
    default:
      return '';
  }
}

function edgeLabel(edge: TopologyEdge): string {
  if (edge.observed) {
    const o = edge.observed;
    const rate = o.ratePerSecond >= 1 ? `${o.ratePerSecond.toFixed(1)}/s` : `${o.count} flows`;
    return o.verdict === 'DROPPED' ? `DROPPED ${o.dropReasons.join(', ')}${o.policies.length ? ` by ${o.policies.join(', ')}` : ''} · ${rate}` : rate;
  }
  const parts: string[] = [];
  if (edge.defaultBackend) parts.push('default');
  else if (edge.path) parts.push(`${edge.host && edge.host !== '*' ? edge.host : ''}${edge.path}`);
  if (edge.weight !== undefined) parts.push(`${edge.weight}`);
  const port = edge.ports[0];
  if (port && (edge.type === 'slice-endpoint' || edge.type === 'ingress-backend' || edge.type === 'route-backend')) {
    parts.push(edge.type === 'slice-endpoint' ? `:${port.containerPort ?? '?'}` : `:${port.port ?? '?'}`);
  }
  return parts.join(' ');
}

/** The Policies layer as drawn: the overlay, and the policy whose selection and peers are highlighted. */
export interface PolicyMarks {
  overlay: PolicyOverlay;
  focus?: { id: string; selects: ReadonlySet<string>; allows: ReadonlySet<string> };
  /** Draw each policy as a node, left of the pods it selects, linked to each of them. */
  drawPolicies?: boolean;
}

/** Policy nodes and their `selects` edges; a policy that selects no drawn pod has no place, so it stays in the panel only. */
function policyElements(policy: PolicyMarks, layout: LayoutState, drawn: ReadonlySet<string>): GraphElement[] {
  const out: GraphElement[] = [];
  for (const p of policy.overlay.policies) {
    const pods = p.selects.filter((id) => drawn.has(id) && layout.positions[id]);
    if (pods.length === 0) continue;
    const xs = pods.map((id) => layout.positions[id].x);
    const ys = pods.map((id) => layout.positions[id].y);
    const [kind, ...rest] = p.id.split('/');
    out.push({
      group: 'nodes',
      data: { id: p.id, label: rest.at(-1) ?? p.id, subtitle: kind, kind: 'Policy' },
      position: { x: Math.min(...xs) - 150, y: ys.reduce((a, b) => a + b, 0) / ys.length },
      classes: ['kind-Policy', p.problems.length ? 'problem' : '', policy.focus?.id === p.id ? 'policy-focused' : ''].filter(Boolean).join(' '),
    });
    for (const pod of pods) out.push({ group: 'edges', data: { id: `policy-selects:${p.id}->${pod}`, source: p.id, target: pod, label: '', type: 'policy-selects' }, classes: 'type-policy-selects' });
  }
  return out;
}

function policyNodeClasses(id: string, policy: PolicyMarks | undefined): string[] {
  if (!policy) return [];
  const pod = policy.overlay.pods[id];
  const focus = policy.focus;
  return [
    pod?.ingress ? 'isolated-ingress' : '',
    pod?.egress ? 'isolated-egress' : '',
    pod?.hostNetwork ? 'host-network' : '',
    focus?.selects.has(id) ? 'policy-selected' : focus?.allows.has(id) ? 'policy-allowed' : '',
  ];
}

/**
 * Cytoscape elements for a (filtered) topology. Namespaces and workloads become compound boxes
 * around their members; everything else sits where the layout put it.
 */
export function toElements(topology: Topology, layout: LayoutState, matches: ReadonlySet<string> = new Set(), marks: ReadonlyMap<string, 'added' | 'removed' | 'changed'> = new Map(), policy?: PolicyMarks): GraphElement[] {
  // Boxes (namespaces, workloads) take their place from their members; a node the layout has not
  // placed yet (a worker is still busy) waits until it has a position.
  const placed = topology.nodes.filter((n) => n.kind === 'Namespace' || n.kind === 'Workload' || layout.positions[n.id]);
  const ids = new Set(placed.map((n) => n.id));
  const searching = matches.size > 0;
  const nodes = placed.map((node): GraphElement => {
    const parent = node.kind === 'Pod' && node.workload && ids.has(node.workload) ? node.workload : node.namespace && ids.has(`Namespace/${node.namespace}`) ? `Namespace/${node.namespace}` : undefined;
    const classes = [
      `kind-${node.kind}`,
      node.missing ? 'missing' : '',
      node.problems.length && !node.missing ? 'problem' : '',
      node.synthesized ? 'synthesized' : '',
      searching ? (matches.has(node.id) ? 'match' : 'dimmed') : '',
      marks.has(node.id) ? `diff-${marks.get(node.id)}` : '',
      ...policyNodeClasses(node.id, policy),
    ];
    const label = node.kind === 'Namespace' ? `namespace ${node.name}` : node.kind === 'Workload' ? `${node.workloadKind} ${node.name}` : node.name;
    return {
      group: 'nodes',
      data: { id: node.id, label, subtitle: nodeSubtitle(node), kind: node.kind, ...(parent ? { parent } : {}) },
      ...(layout.positions[node.id] ? { position: { ...layout.positions[node.id] } } : {}),
      classes: classes.filter(Boolean).join(' '),
    };
  });
  const edges = topology.edges
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .map((edge): GraphElement => {
      const notReady = edge.conditions && !edge.conditions.ready;
      const classes = [
        `type-${edge.type}`,
        edge.observed ? `verdict-${edge.observed.verdict.toLowerCase()}` : '',
        edge.problems.length ? 'problem' : '',
        notReady ? (edge.conditions?.terminating ? 'terminating' : 'not-ready') : '',
        searching && !(matches.has(edge.source) || matches.has(edge.target)) ? 'dimmed' : '',
        policy?.overlay.edges[edge.id] ? `policy-${policy.overlay.edges[edge.id].verdict}` : '',
        policy?.overlay.edges[edge.id]?.mismatch ? 'policy-mismatch' : '',
      ];
      return { group: 'edges', data: { id: edge.id, source: edge.source, target: edge.target, label: edgeLabel(edge), type: edge.type }, classes: classes.filter(Boolean).join(' ') };
    });
  return [...nodes, ...edges, ...(policy?.drawPolicies ? policyElements(policy, layout, ids) : [])];
}
