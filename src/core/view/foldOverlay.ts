import type { PolicyOverlay, Topology } from '../../shared/model';
import type { ViewGraph } from '../../shared/view';
import { TopologyFacts } from './TopologyFacts';

type EdgeMark = PolicyOverlay['edges'][string];

/** Stricter verdicts win when edges are joined: one denied backend is what a responder must see. */
const STRICTNESS: Record<EdgeMark['verdict'], number> = { denied: 3, restricted: 2, open: 1, allowed: 0 };

/**
 * The Policies layer as a view draws it. Drawn pods and edges keep their marks; each folded
 * aggregate counts how many of the pods it holds are isolated, for ingress and for egress; a joined
 * edge takes the strictest verdict of the edges it stands for, and says how many there were; a
 * policy selects and allows what its pods are drawn as.
 */
export function foldOverlay(topology: Topology, view: ViewGraph, overlay: PolicyOverlay): PolicyOverlay {
  const facts = TopologyFacts.of(topology);
  const arrangement = view.level === 'nodes' ? 'nodes' : 'layers';
  const drawn = new Map(view.nodes.map((n) => [n.id, n]));
  // Asked for each pod, each end of each judged edge and each pod a policy names: at 150,000 pods, millions of times.
  const answers = new Map<string, string | null>();
  const drawnAs = (id: string): string | undefined => {
    let answer = answers.get(id);
    if (answer === undefined) answers.set(id, (answer = drawnAsOf(id)));
    return answer ?? undefined;
  };
  const drawnAsOf = (id: string): string | null => {
    if (drawn.has(id)) return id;
    const node = facts.node(id);
    if (!node) return null;
    for (const container of facts.containers(node, arrangement) ?? []) {
      const aggregate = drawn.get(container)?.aggregate;
      if (aggregate && !aggregate.expanded) return container;
    }
    return null;
  };

  const pods: PolicyOverlay['pods'] = {};
  const aggregates: NonNullable<PolicyOverlay['aggregates']> = {};
  // By the topology's pods, not Object.entries(overlay.pods): listing an object of 150,000 keys took most of the fold.
  for (const node of topology.nodes) {
    const mark = node.kind === 'Pod' ? overlay.pods[node.id] : undefined;
    if (!mark) continue;
    const id = node.id;
    const at = drawnAs(id);
    if (at === id) pods[id] = mark;
    else if (at) {
      const counts = (aggregates[at] ??= { ingress: 0, egress: 0 });
      if (mark.ingress) counts.ingress++;
      if (mark.egress) counts.egress++;
    }
  }

  const viewEdges = new Set(view.edges.map((e) => e.id));
  const edges: PolicyOverlay['edges'] = {};
  const joined = new Map<string, { mark: EdgeMark; count: number }>();
  for (const edge of topology.edges) {
    const mark = overlay.edges[edge.id];
    if (!mark) continue;
    if (viewEdges.has(edge.id)) {
      edges[edge.id] = mark;
      continue;
    }
    const source = drawnAs(edge.source);
    const target = drawnAs(edge.target);
    if (!source || !target || source === target) continue;
    const id = `view:${edge.type}${edge.observed ? `#${edge.observed.verdict}` : ''}:${source}->${target}`;
    if (!viewEdges.has(id)) continue;
    const seen = joined.get(id);
    if (!seen) joined.set(id, { mark, count: 1 });
    else {
      seen.count++;
      if (STRICTNESS[mark.verdict] > STRICTNESS[seen.mark.verdict] || (mark.mismatch && !seen.mark.mismatch)) seen.mark = mark;
    }
  }
  for (const [id, { mark, count }] of joined) edges[id] = { ...mark, explanation: count > 1 ? `Strictest of ${count} edges: ${mark.explanation}` : mark.explanation };

  const as = (ids: readonly string[]) => [...new Set(ids.map(drawnAs).filter((id): id is string => id !== undefined))];
  const policies = overlay.policies.map((p) => ({ ...p, selects: as(p.selects), allows: as(p.allows) }));
  return { options: overlay.options, pods, edges, policies, aggregates };
}
