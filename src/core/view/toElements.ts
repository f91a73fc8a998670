import type { PolicyOverlay, TopologyEdge, TopologyNode } from '../../shared/model';
import { formatCount, type Aggregate, type HeldCount, type ViewEdge, type ViewNode } from '../../shared/view';
import { COLUMN_WIDTH, isBox, type LayoutState, type Point } from './layout';

/** A Cytoscape element as plain data: what the view hands to `cy.add`, and what tests inspect. */
export interface GraphElement {
  group: 'nodes' | 'edges';
  data: Record<string, unknown> & { id: string };
  position?: { x: number; y: number };
  classes: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;
const readyOf = (held: HeldCount | undefined) => `${formatCount(held?.ready ?? 0)}/${formatCount(held?.total ?? 0)}`;

/** The workload kinds an aggregate may hold, counted together as workloads. */
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'StaticPod', 'ReplicationController'];

/** What a folded aggregate says under its name: what it holds, by kind and status. */
export function aggregateSubtitle(node: ViewNode, aggregate: Aggregate, isolated?: { ingress: number; egress: number }): string {
  const h = aggregate.holds;
  const workloads = Object.entries(h).reduce((sum, [kind, held]) => sum + (WORKLOAD_KINDS.includes(kind) ? held.total : 0), 0);
  const entries = ['Ingress', 'Gateway'].reduce((sum, kind) => sum + (h[kind]?.total ?? 0), 0);
  const parts: string[] = [];
  switch (node.kind) {
    case 'Namespace':
      parts.push(`${readyOf(h.Pod)} pods ready`, plural(workloads, 'workload'), plural(h.Service?.total ?? 0, 'Service'));
      if (entries) parts.push(plural(entries, 'entry point'));
      break;
    case 'Workload':
      parts.push(`${node.workloadKind} · ${readyOf(h.Pod)} ready`);
      if (h.Pod?.terminating) parts.push(`${formatCount(h.Pod.terminating)} terminating`);
      break;
    case 'Service':
      parts.push(nodeSubtitle(node), `${readyOf(h.Endpoint)} endpoints`);
      break;
    case 'Nodes':
    case 'Zone':
      parts.push(h.Node ? `${readyOf(h.Node)} Nodes ready` : `${formatCount(h.Pod?.total ?? 0)} pods`);
      break;
    case 'Node':
      parts.push(`${readyOf(h.Pod)} pods ready`, ...(aggregate.workloads?.length ? [aggregate.workloads.map((w) => w.name).join(', ')] : []));
      break;
  }
  if (isolated && h.Pod?.total) parts.push(`isolated: ${formatCount(isolated.ingress)}/${formatCount(h.Pod.total)} in, ${formatCount(isolated.egress)}/${formatCount(h.Pod.total)} out`);
  if (aggregate.problems) parts.push(`⚠ ${plural(aggregate.problems, 'problem')}${aggregate.moreProblems.length ? ` (+${formatCount(aggregate.moreProblems.length)} more)` : ''}`);
  return parts.filter(Boolean).join(' · ');
}

/** Healthy, degraded or failing, by the share of ready pods: the ring around a cell. */
function health(aggregate: Aggregate): string {
  const pods = aggregate.holds.Pod;
  if (!pods || pods.total === 0) return aggregate.problems ? 'health-degraded' : 'health-ok';
  const notReady = pods.notReady ?? 0;
  if (notReady === 0) return aggregate.problems ? 'health-degraded' : 'health-ok';
  return notReady * 2 >= pods.total ? 'health-failing' : 'health-degraded';
}

export function nodeSubtitle(node: TopologyNode): string {
  const f = node.facts;
  switch (node.kind) {
    case 'Service':
      return [f.type, f.headless ? 'headless' : (f.clusterIPs as string[] | undefined)?.[0], f.externalName].filter(Boolean).join(' · ');
    case 'Pod':
      return [(f.podIPs as string[] | undefined)?.[0], f.phase, f.sidecar ? `⬡ ${String(f.sidecar)}` : ''].filter(Boolean).join(' · ');
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

function edgeLabel(edge: ViewEdge): string {
  const times = edge.count && edge.count > 1 ? ` ×${formatCount(edge.count)}` : '';
  return `${ownEdgeLabel(edge)}${times}`.trim();
}

function ownEdgeLabel(edge: TopologyEdge): string {
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

/**
 * How far observed traffic curves away from the straight line, as Cytoscape's
 * `control-point-distances`. Traffic between nodes of one column (pod to pod) would otherwise run
 * over every node between them: it bows out to the column's right, further the longer it is, into
 * the space before the next column. Traffic across columns keeps a gentle curve, so that it is
 * told apart from the edges of the objects.
 */
export function trafficBend(source: Point | undefined, target: Point | undefined): number {
  if (!source || !target || Math.abs(target.x - source.x) > COLUMN_WIDTH / 2) return 40;
  const dy = target.y - source.y;
  // A quadratic curve reaches half its control distance: at most 90, short of the next column.
  const size = Math.min(COLUMN_WIDTH * 0.75, 30 + Math.abs(dy) * 0.3);
  // Cytoscape measures the distance to the right of the direction of travel: downwards, that is -x.
  // Traffic back up the column bows out a little further, so that the two directions stay apart.
  return dy >= 0 ? -size : size * 1.25;
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

function policyNodeClasses(id: string, policy: PolicyMarks | undefined, pods?: number): string[] {
  if (!policy) return [];
  // A folded aggregate is isolated when all the pods it holds are, and partly isolated when some are.
  const held = policy.overlay.aggregates?.[id];
  if (held && pods) {
    const all = (n: number) => n > 0 && n === pods;
    return [all(held.ingress) ? 'isolated-ingress' : '', all(held.egress) ? 'isolated-egress' : '', (held.ingress || held.egress) && !(all(held.ingress) || all(held.egress)) ? 'isolated-partly' : ''];
  }
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
 * Pod labels without the generated suffixes: `checkout-7f9c8d6b5-x2kq` becomes `checkout ·2`, its
 * place among the workload's drawn pods by name. A StatefulSet's `db-0` is already short and
 * stays; the details panel and search keep the full name.
 */
export function shortPodNames(nodes: readonly ViewNode[]): Map<string, string> {
  const byWorkload = new Map<string, ViewNode[]>();
  for (const node of nodes) {
    if (node.kind !== 'Pod' || !node.workload) continue;
    const list = byWorkload.get(node.workload);
    if (list) list.push(node);
    else byWorkload.set(node.workload, [node]);
  }
  const names = new Map<string, string>();
  for (const [workload, pods] of byWorkload) {
    const base = workload.slice(workload.lastIndexOf('/') + 1);
    if (workload.startsWith('StatefulSet/') || workload.startsWith('StaticPod/')) continue;
    pods.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    pods.forEach((pod, i) => {
      if (pod.name.startsWith(`${base}-`)) names.set(pod.id, `${base} ·${i + 1}`);
    });
  }
  return names;
}

/** The most severe finding on a node, as a class: `finding-error` is drawn with a double border, `finding-warning` dashed. */
function findingClass(node: ViewNode): string {
  const findings = node.findings;
  if (!findings?.length) return '';
  return findings.some((f) => f.severity === 'error') ? 'finding-error' : findings.some((f) => f.severity === 'warning') ? 'finding-warning' : '';
}

/**
 * Cytoscape elements for a (filtered) topology. Namespaces and workloads become compound boxes
 * around their members; everything else sits where the layout put it.
 */
export function toElements(topology: { nodes: readonly ViewNode[]; edges: readonly ViewEdge[] }, layout: LayoutState, matches: ReadonlySet<string> = new Set(), marks: ReadonlyMap<string, 'added' | 'removed' | 'changed'> = new Map(), policy?: PolicyMarks): GraphElement[] {
  // Boxes (namespaces, workloads) take their place from their members; a node the layout has not
  // placed yet (a worker is still busy) waits until it has a position.
  const placed = topology.nodes.filter((n) => isBox(n) || layout.positions[n.id]);
  const boxes = new Set(placed.filter(isBox).map((n) => n.id));
  const ids = new Set(placed.map((n) => n.id));
  const searching = matches.size > 0;
  const shortNames = shortPodNames(placed);
  const nodes = placed.map((node): GraphElement => {
    const parent = boxes.has(node.workload ?? '') ? node.workload : node.kind === 'Node' && boxes.has('Nodes/all') ? 'Nodes/all' : boxes.has(`Namespace/${node.namespace}`) ? `Namespace/${node.namespace}` : undefined;
    const aggregate = node.aggregate;
    const folded = aggregate && !aggregate.expanded;
    const classes = [
      aggregate ? `aggregate ${folded ? 'folded' : 'expanded'}` : '',
      folded ? health(aggregate) : '',
      node.foldedInto ? 'drawn-alone' : '',
      `kind-${node.kind}`,
      node.missing ? 'missing' : '',
      node.problems.length && !node.missing ? 'problem' : '',
      findingClass(node),
      node.synthesized ? 'synthesized' : '',
      searching ? (matches.has(node.id) ? 'match' : 'dimmed') : '',
      marks.has(node.id) ? `diff-${marks.get(node.id)}` : '',
      ...policyNodeClasses(node.id, policy, folded ? aggregate.holds.Pod?.total : undefined),
    ];
    const label = node.kind === 'Namespace' ? `namespace ${node.name}` : node.kind === 'Workload' ? `${node.workloadKind} ${node.name}` : node.kind === 'Zone' ? `zone ${node.name}` : (shortNames.get(node.id) ?? node.name);
    const subtitle = folded ? aggregateSubtitle(node, aggregate, policy?.overlay.aggregates?.[node.id]) : isBox(node) && aggregate ? '' : nodeSubtitle(node);
    return {
      group: 'nodes',
      data: { id: node.id, label, subtitle, kind: node.kind, ...(parent ? { parent } : {}) },
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
      const bend = edge.observed ? { bend: trafficBend(layout.positions[edge.source], layout.positions[edge.target]) } : {};
      return { group: 'edges', data: { id: edge.id, source: edge.source, target: edge.target, label: edgeLabel(edge), type: edge.type, ...bend }, classes: classes.filter(Boolean).join(' ') };
    });
  return [...nodes, ...edges, ...(policy?.drawPolicies ? policyElements(policy, layout, ids) : [])];
}
