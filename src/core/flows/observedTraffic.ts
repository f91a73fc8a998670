import type { FlowBucket } from '../../shared/flows';
import type { ObservedTraffic, Topology, TopologyEdge, TopologyNode } from '../../shared/model';
import { objectId } from '../../shared/kube';
import { BUCKET_MS } from './FlowAggregator';

/** Observed traffic is drawn for the flows of this long before the moment shown. */
export const DEFAULT_TRAFFIC_WINDOW_MS = 5 * 60_000;

export type ObservedEdge = TopologyEdge & { observed: ObservedTraffic };

/** A bucket counts when any of it falls in the window. */
export function bucketInWindow(start: number, window: { from: number; to: number }): boolean {
  return start + BUCKET_MS > window.from && start <= window.to;
}

const portProtocol = (protocol: string) => (protocol === 'UDP' || protocol === 'SCTP' ? protocol : 'TCP');

function addPort(edge: ObservedEdge, containerPort: number, protocol: 'TCP' | 'UDP' | 'SCTP'): void {
  if (!edge.ports.some((p) => p.containerPort === containerPort && p.protocol === protocol)) edge.ports.push({ containerPort, protocol });
}

function addAll(list: string[], more: readonly string[]): void {
  for (const item of more) if (!list.includes(item)) list.push(item);
}

/**
 * Observed edges being counted, one per source, destination and verdict. Kept by source, then
 * destination, so that counting a bucket builds no string: a window holds hundreds of thousands.
 */
export class ObservedTally {
  private readonly bySource = new Map<string, Map<string, { forwarded?: ObservedEdge; dropped?: ObservedEdge }>>();
  /** In the order first counted, or by id once sorted. */
  private edges: ObservedEdge[] = [];

  private edgeFor(source: string, target: string, dropped: boolean, first: number, last: number, knownId?: string): ObservedEdge {
    let targets = this.bySource.get(source);
    if (!targets) this.bySource.set(source, (targets = new Map()));
    let pair = targets.get(target);
    if (!pair) targets.set(target, (pair = {}));
    let edge = dropped ? pair.dropped : pair.forwarded;
    if (!edge) {
      const id = knownId ?? `observed:${source}->${target}#${dropped ? 'dropped' : 'forwarded'}`;
      edge = { id, source, target, type: 'observed', ports: [], problems: [], observed: { verdict: dropped ? 'DROPPED' : 'FORWARDED', counts: {}, count: 0, ratePerSecond: 0, dropReasons: [], policies: [], services: [], first, last } };
      if (dropped) pair.dropped = edge;
      else pair.forwarded = edge;
      this.edges.push(edge);
    }
    return edge;
  }

  count(b: FlowBucket): void {
    const edge = this.edgeFor(b.source, b.target, b.verdict === 'DROPPED', b.first, b.last);
    const o = edge.observed;
    o.counts[b.verdict] = (o.counts[b.verdict] ?? 0) + b.count;
    o.count += b.count;
    if (b.first < o.first) o.first = b.first;
    if (b.last > o.last) o.last = b.last;
    if (b.dropReason && !o.dropReasons.includes(b.dropReason)) o.dropReasons.push(b.dropReason);
    if (b.policies.length) addAll(o.policies, b.policies);
    if (b.service && !o.services.includes(b.service)) o.services.push(b.service);
    if (b.port !== undefined) addPort(edge, b.port, portProtocol(b.protocol));
  }

  /** Counts another tally's edges in, as if its buckets came after this one's. */
  add(other: ObservedTally): void {
    for (const from of other.edges) {
      const edge = this.edgeFor(from.source, from.target, from.observed.verdict === 'DROPPED', from.observed.first, from.observed.last, from.id);
      const o = edge.observed;
      for (const verdict in from.observed.counts) o.counts[verdict] = (o.counts[verdict] ?? 0) + from.observed.counts[verdict];
      o.count += from.observed.count;
      if (from.observed.first < o.first) o.first = from.observed.first;
      if (from.observed.last > o.last) o.last = from.observed.last;
      addAll(o.dropReasons, from.observed.dropReasons);
      addAll(o.policies, from.observed.policies);
      addAll(o.services, from.observed.services);
      for (const p of from.ports) addPort(edge, p.containerPort!, p.protocol);
    }
  }

  /** Puts the edges in id order, which a tally that adds this one keeps (until it counts a new edge). */
  sort(): void {
    for (let i = 1; i < this.edges.length; i++) {
      if (this.edges[i - 1].id > this.edges[i].id) {
        this.edges.sort((a, b) => (a.id < b.id ? -1 : 1));
        return;
      }
    }
  }

  /**
   * The edges as drawn over a window, by id: rates, and a problem on dropped traffic. The tally
   * hands its edges over: count nothing into it afterwards.
   */
  finish(window: { from: number; to: number }): ObservedEdge[] {
    this.sort();
    const seconds = Math.max(1, (window.to - window.from) / 1000);
    for (const edge of this.edges) {
      edge.observed.ratePerSecond = edge.observed.count / seconds;
      if (edge.observed.verdict === 'DROPPED') {
        const why = edge.observed.dropReasons.join(', ') || 'dropped';
        edge.problems.push(`Traffic dropped: ${why}${edge.observed.policies.length ? ` by ${edge.observed.policies.join(', ')}` : ''}`);
      }
    }
    return this.edges;
  }
}

/** The node drawn for an endpoint of observed traffic that the topology does not have. */
function unknownEndpoint(id: string): TopologyNode {
  const [kind, ...rest] = id.split('/');
  const name = rest.at(-1) ?? id;
  const namespace = rest.length > 1 ? rest[0] : undefined;
  return kind === 'External'
    ? { id, kind: 'External', name, facts: { roles: ['observed in traffic'] }, problems: [] }
    : { id: objectId(kind, name, namespace), kind: kind as TopologyNode['kind'], name, ...(namespace ? { namespace } : {}), missing: true, missingReason: 'Seen in traffic, but not in the cluster state at that time', facts: {}, problems: [] };
}

/**
 * The topology with finished observed edges on it (`ObservedTally.finish`). An endpoint the
 * topology does not have (the world, a DNS name) gets an External node, in the edges' order. The
 * edges are shared, not copied: they are never changed once finished.
 */
export function drawObservedEdges(topology: Topology, edges: readonly ObservedEdge[]): Topology {
  const known = new Set<string>();
  for (const node of topology.nodes) known.add(node.id);
  const extraNodes: TopologyNode[] = [];
  for (const edge of edges) {
    for (const id of [edge.source, edge.target]) {
      if (known.has(id)) continue;
      known.add(id);
      extraNodes.push(unknownEndpoint(id));
    }
  }
  return { nodes: topology.nodes.concat(extraNodes), edges: (topology.edges as TopologyEdge[]).concat(edges) };
}

/**
 * The topology with the traffic observed in a window drawn on it: one `observed` edge per source,
 * destination and verdict, with counts, rate, ports, drop reasons and deciding policies. An endpoint
 * the topology does not have (the world, a DNS name) gets an External node.
 */
export function withObservedTraffic(topology: Topology, buckets: readonly FlowBucket[], window: { from: number; to: number }): Topology {
  const tally = new ObservedTally();
  for (const b of buckets) if (bucketInWindow(b.start, window)) tally.count(b);
  return drawObservedEdges(topology, tally.finish(window));
}
