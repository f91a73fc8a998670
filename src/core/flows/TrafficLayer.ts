import type { FlowBucket } from '../../shared/flows';
import type { Topology } from '../../shared/model';
import { bucketInWindow, drawObservedEdges, ObservedTally, type ObservedEdge } from './observedTraffic';

/**
 * Traffic in a window as a live view keeps it: the buckets that have closed, in groups of one
 * bucket interval each (a group is never changed once made, and the same array is handed on from
 * one window to the next), and the buckets still filling.
 */
export interface TrafficWindow {
  window: { from: number; to: number };
  closed: readonly (readonly FlowBucket[])[];
  open: readonly FlowBucket[];
}

/** A window of plain buckets (a recording's, an import's), counted whole whenever drawn. */
export function trafficWindowOf(buckets: readonly FlowBucket[], window: { from: number; to: number }): TrafficWindow {
  return { window, closed: [], open: buckets };
}

/** Whether `groups` begins with every group of `prefix`, in order. */
const startsWith = (groups: readonly (readonly FlowBucket[])[], prefix: readonly (readonly FlowBucket[])[]) => prefix.length <= groups.length && prefix.every((group, i) => group === groups[i]);

/**
 * Draws a live window's observed traffic on topologies as both change, with the result of
 * `withObservedTraffic` over the same buckets. A window holds hundreds of thousands of buckets, so
 * the closed groups are counted once as they come, and all again only when one leaves the window
 * (once per bucket interval); the open buckets are counted on top for each window, and a topology
 * drawn with the last window's traffic reuses its edges.
 */
export class TrafficLayer {
  private closed?: { groups: readonly (readonly FlowBucket[])[]; tally: ObservedTally };
  private last?: { traffic: TrafficWindow; edges: ObservedEdge[] };

  draw(topology: Topology, traffic: TrafficWindow): Topology {
    return drawObservedEdges(topology, this.edgesOf(traffic));
  }

  private edgesOf(traffic: TrafficWindow): ObservedEdge[] {
    if (this.last?.traffic === traffic) return this.last.edges;
    // A group's buckets share one start: the group is in the window or out of it whole.
    const groups = traffic.closed.filter((group) => group.length > 0 && bucketInWindow(group[0].start, traffic.window));
    let closed = this.closed && startsWith(groups, this.closed.groups) ? this.closed : undefined;
    if (closed?.groups.length !== groups.length) {
      // Groups that closed since are counted on top (late flows close a group every tick); a group
      // that left the window has the rest counted again.
      const tally = closed?.tally ?? new ObservedTally();
      for (const group of groups.slice(closed?.groups.length ?? 0)) for (const b of group) tally.count(b);
      // In id order, the open buckets' tally starts sorted, and stays so unless they bring a new edge.
      tally.sort();
      this.closed = closed = { groups, tally };
    }
    const tally = new ObservedTally();
    tally.add(closed.tally);
    for (const b of traffic.open) if (bucketInWindow(b.start, traffic.window)) tally.count(b);
    const edges = tally.finish(traffic.window);
    this.last = { traffic, edges };
    return edges;
  }
}
