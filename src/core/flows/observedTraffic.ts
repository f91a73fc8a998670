import type { FlowBucket } from '../../shared/flows';
import type { ObservedTraffic, Topology, TopologyEdge, TopologyNode } from '../../shared/model';
import { objectId } from '../../shared/kube';
import { BUCKET_MS } from './FlowAggregator';

/** Observed traffic is drawn for the flows of this long before the moment shown. */
export const DEFAULT_TRAFFIC_WINDOW_MS = 5 * 60_000;

/**
 * The topology with the traffic observed in a window drawn on it: one `observed` edge per source,
 * destination and verdict, with counts, rate, ports, drop reasons and deciding policies. An endpoint
 * the topology does not have (the world, a DNS name) gets an External node.
 */
export function withObservedTraffic(topology: Topology, buckets: readonly FlowBucket[], window: { from: number; to: number }): Topology {
  const seconds = Math.max(1, (window.to - window.from) / 1000);
  const edges = new Map<string, TopologyEdge & { observed: ObservedTraffic }>();
  for (const b of buckets) {
    // A bucket counts when any of it falls in the window.
    if (b.start + BUCKET_MS <= window.from || b.start > window.to) continue;
    const dropped = b.verdict === 'DROPPED';
    const id = `observed:${b.source}->${b.target}#${dropped ? 'dropped' : 'forwarded'}`;
    let edge = edges.get(id);
    if (!edge) {
      edge = { id, source: b.source, target: b.target, type: 'observed', ports: [], problems: [], observed: { verdict: dropped ? 'DROPPED' : 'FORWARDED', counts: {}, count: 0, ratePerSecond: 0, dropReasons: [], policies: [], services: [], first: b.first, last: b.last } };
      edges.set(id, edge);
    }
    const o = edge.observed;
    o.counts[b.verdict] = (o.counts[b.verdict] ?? 0) + b.count;
    o.count += b.count;
    o.first = Math.min(o.first, b.first);
    o.last = Math.max(o.last, b.last);
    if (b.dropReason && !o.dropReasons.includes(b.dropReason)) o.dropReasons.push(b.dropReason);
    for (const p of b.policies) if (!o.policies.includes(p)) o.policies.push(p);
    if (b.service && !o.services.includes(b.service)) o.services.push(b.service);
    if (b.port !== undefined && !edge.ports.some((p) => p.containerPort === b.port && p.protocol === b.protocol)) {
      edge.ports.push({ containerPort: b.port, protocol: b.protocol === 'UDP' || b.protocol === 'SCTP' ? b.protocol : 'TCP' });
    }
  }
  const nodes = new Set(topology.nodes.map((n) => n.id));
  const extraNodes = [...edges.values()]
    .flatMap((e) => [e.source, e.target])
    .filter((id, i, all) => !nodes.has(id) && all.indexOf(id) === i)
    .map((id): TopologyNode => {
      const [kind, ...rest] = id.split('/');
      const name = rest.at(-1) ?? id;
      const namespace = rest.length > 1 ? rest[0] : undefined;
      return kind === 'External'
        ? { id, kind: 'External', name, facts: { roles: ['observed in traffic'] }, problems: [] }
        : { id: objectId(kind, name, namespace), kind: kind as TopologyNode['kind'], name, ...(namespace ? { namespace } : {}), missing: true, missingReason: 'Seen in traffic, but not in the cluster state at that time', facts: {}, problems: [] };
    });
  for (const edge of edges.values()) {
    edge.observed.ratePerSecond = edge.observed.count / seconds;
    if (edge.observed.verdict === 'DROPPED') {
      const why = edge.observed.dropReasons.join(', ') || 'dropped';
      edge.problems.push(`Traffic dropped: ${why}${edge.observed.policies.length ? ` by ${edge.observed.policies.join(', ')}` : ''}`);
    }
  }
  return { nodes: [...topology.nodes, ...extraNodes], edges: [...topology.edges, ...[...edges.values()].sort((a, b) => (a.id < b.id ? -1 : 1))] };
}
