import type { FlowBucket } from '../../shared/flows';
import type { Topology } from '../../shared/model';
import { bucketInWindow, drawObservedEdges, EdgeNumbers, ObservedTally, observedEnds, type ObservedEdge, type ObservedEnds } from './observedTraffic';

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

/** A window's observed edges, and their distinct ends. */
interface DrawnTraffic {
  traffic: TrafficWindow;
  edges: ObservedEdge[];
  ends: ObservedEnds;
}

/**
 * Draws a live window's observed traffic on topologies as both change, with the result of
 * `withObservedTraffic` over the same buckets. A window holds hundreds of thousands of buckets, so
 * the closed groups are counted once as they come, and all again only when one leaves the window
 * (once per bucket interval), by the edge numbers each group's buckets were given when first
 * counted; the open buckets are counted on top for each window, and a topology drawn with the last
 * window's traffic reuses its edges.
 */
export class TrafficLayer {
  private numbers = new EdgeNumbers();
  /** The edge number of each bucket of a closed group, by group. */
  private groupNumbers = new WeakMap<readonly FlowBucket[], Int32Array>();
  private closed?: { groups: readonly (readonly FlowBucket[])[]; tally: ObservedTally };
  private last?: DrawnTraffic;

  draw(topology: Topology, traffic: TrafficWindow): Topology {
    const { edges, ends } = this.edgesOf(traffic);
    return drawObservedEdges(topology, edges, ends);
  }

  private edgesOf(traffic: TrafficWindow): DrawnTraffic {
    if (this.last?.traffic === traffic) return this.last;
    this.renumberWhenOutgrown();
    // A group's buckets share one start: the group is in the window or out of it whole.
    const groups = traffic.closed.filter((group) => group.length > 0 && bucketInWindow(group[0].start, traffic.window));
    let closed = this.closed && startsWith(groups, this.closed.groups) ? this.closed : undefined;
    if (closed?.groups.length !== groups.length) {
      // Groups that closed since are counted on top (late flows close a group every tick); a group
      // that left the window has the rest counted again.
      const tally = closed?.tally ?? new ObservedTally(this.numbers);
      for (const group of groups.slice(closed?.groups.length ?? 0)) {
        const numbers = this.numbersOf(group);
        for (let i = 0; i < group.length; i++) tally.count(group[i], numbers[i]);
      }
      // In id order, the open buckets' tally starts sorted, and stays so unless they bring a new edge.
      tally.sort();
      this.closed = closed = { groups, tally };
    }
    const tally = new ObservedTally(this.numbers);
    tally.add(closed.tally);
    for (const b of traffic.open) if (bucketInWindow(b.start, traffic.window)) tally.count(b);
    const edges = tally.finish(traffic.window);
    return (this.last = { traffic, edges, ends: observedEnds(edges) });
  }

  /** How many edge numbers are held: a few times the edges last drawn, however many have left the window. */
  get edgeNumbersHeld(): number {
    return this.numbers.size;
  }

  private numbersOf(group: readonly FlowBucket[]): Int32Array {
    let numbers = this.groupNumbers.get(group);
    if (!numbers) {
      numbers = new Int32Array(group.length);
      for (let i = 0; i < group.length; i++) numbers[i] = this.numbers.of(group[i].source, group[i].target, group[i].verdict === 'DROPPED');
      this.groupNumbers.set(group, numbers);
    }
    return numbers;
  }

  /**
   * Numbers are kept for edges that left the window too (and a window of open buckets only, a
   * replay's, numbers every pair it meets): when they are most of those held, numbering starts
   * again, and the closed groups are counted again with it.
   */
  private renumberWhenOutgrown(): void {
    if (this.numbers.size <= 2 * (2 * (this.last?.edges.length ?? 0) + 1024)) return;
    this.numbers = new EdgeNumbers();
    this.groupNumbers = new WeakMap();
    this.closed = undefined;
  }
}
