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
 * A number for each source, destination and verdict that buckets name, kept from one count to the
 * next: a bucket counted again (a closed one, each time the window moves on) finds its edge by
 * number, with no string hashed. A pair's forwarded edge has an even number, its dropped one the next.
 */
export class EdgeNumbers {
  private readonly bySource = new Map<string, Map<string, number>>();
  private given = 0;

  /** How many numbers have been given. */
  get size(): number {
    return this.given;
  }

  of(source: string, target: string, dropped: boolean): number {
    let targets = this.bySource.get(source);
    if (!targets) this.bySource.set(source, (targets = new Map()));
    let pair = targets.get(target);
    if (pair === undefined) {
      targets.set(target, (pair = this.given));
      this.given += 2;
    }
    return dropped ? pair + 1 : pair;
  }
}

/**
 * Observed edges being counted, one per source, destination and verdict, found by their number
 * (`EdgeNumbers`): a window holds hundreds of thousands of buckets, and no string is built per bucket.
 */
export class ObservedTally {
  private readonly byNumber: (ObservedEdge | undefined)[] = [];
  /** The numbers of the edges, in the order first counted, or by id once sorted. */
  private order: number[] = [];

  constructor(readonly numbers = new EdgeNumbers()) {}

  private edgeFor(number: number, source: string, target: string, dropped: boolean, first: number, last: number, knownId?: string): ObservedEdge {
    const { byNumber } = this;
    while (byNumber.length <= number) byNumber.push(undefined);
    let edge = byNumber[number];
    if (!edge) {
      const id = knownId ?? `observed:${source}->${target}#${dropped ? 'dropped' : 'forwarded'}`;
      edge = { id, source, target, type: 'observed', ports: [], problems: [], observed: { verdict: dropped ? 'DROPPED' : 'FORWARDED', counts: {}, count: 0, ratePerSecond: 0, dropReasons: [], policies: [], services: [], first, last } };
      byNumber[number] = edge;
      this.order.push(number);
    }
    return edge;
  }

  /** Counts a bucket; `number` is its edge's, when the caller knows it. */
  count(b: FlowBucket, number = this.numbers.of(b.source, b.target, b.verdict === 'DROPPED')): void {
    const edge = this.edgeFor(number, b.source, b.target, b.verdict === 'DROPPED', b.first, b.last);
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

  /** Counts another tally's edges in, as if its buckets came after this one's; both number edges alike. */
  add(other: ObservedTally): void {
    if (other.numbers !== this.numbers) throw new Error('Tallies add up only when they number their edges alike');
    for (const number of other.order) {
      const from = other.byNumber[number]!;
      const edge = this.edgeFor(number, from.source, from.target, from.observed.verdict === 'DROPPED', from.observed.first, from.observed.last, from.id);
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
    const { byNumber, order } = this;
    for (let i = 1; i < order.length; i++) {
      if (byNumber[order[i - 1]]!.id > byNumber[order[i]]!.id) {
        order.sort((a, b) => (byNumber[a]!.id < byNumber[b]!.id ? -1 : 1));
        return;
      }
    }
  }

  /** How many edges are counted. */
  get size(): number {
    return this.order.length;
  }

  /**
   * The edges as drawn over a window, by id: rates, and a problem on dropped traffic. The tally
   * hands its edges over: count nothing into it afterwards.
   */
  finish(window: { from: number; to: number }): ObservedEdge[] {
    this.sort();
    const edges = this.order.map((number) => this.byNumber[number]!);
    const seconds = Math.max(1, (window.to - window.from) / 1000);
    for (const edge of edges) {
      edge.observed.ratePerSecond = edge.observed.count / seconds;
      if (edge.observed.verdict === 'DROPPED') {
        const why = edge.observed.dropReasons.join(', ') || 'dropped';
        edge.problems.push(`Traffic dropped: ${why}${edge.observed.policies.length ? ` by ${edge.observed.policies.join(', ')}` : ''}`);
      }
    }
    return edges;
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

/** The distinct ends of observed edges, in the edges' order, each with its place in that list. */
export type ObservedEnds = ReadonlyMap<string, number>;

export function observedEnds(edges: readonly ObservedEdge[]): ObservedEnds {
  const ends = new Map<string, number>();
  for (const edge of edges) {
    if (!ends.has(edge.source)) ends.set(edge.source, ends.size);
    if (!ends.has(edge.target)) ends.set(edge.target, ends.size);
  }
  return ends;
}

/**
 * The topology with finished observed edges on it (`ObservedTally.finish`). An endpoint the
 * topology does not have (the world, a DNS name) gets an External node, in the edges' order. The
 * edges are shared, not copied: they are never changed once finished. `ends` are the edges' own
 * (`observedEnds`), passed by a caller that draws the same edges on many topologies.
 */
export function drawObservedEdges(topology: Topology, edges: readonly ObservedEdge[], ends = observedEnds(edges)): Topology {
  // The topology's nodes are looked up among the ends, not the other way round: no set of every node is built.
  const drawn = new Uint8Array(ends.size);
  for (const node of topology.nodes) {
    const at = ends.get(node.id);
    if (at !== undefined) drawn[at] = 1;
  }
  const extraNodes: TopologyNode[] = [];
  for (const [id, at] of ends) if (!drawn[at]) extraNodes.push(unknownEndpoint(id));
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
