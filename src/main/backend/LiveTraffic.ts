import { EndpointIndex } from '../../core/flows/EndpointIndex';
import { BUCKET_MS, FlowAggregator } from '../../core/flows/FlowAggregator';
import { bucketInWindow, DEFAULT_TRAFFIC_WINDOW_MS } from '../../core/flows/observedTraffic';
import type { TrafficWindow } from '../../core/flows/TrafficLayer';
import type { FlowBucket, FlowNotice } from '../../shared/flows';
import type { Notice } from '../../shared/contract';
import type { KubeObject, ObjectChange } from '../../shared/kube';
import type { FlowSource, FlowSourceStatus } from '../flows/FlowSource';

/** A bucket is handed on this long after it ends: Hubble Relay's sort buffer delivers flows a second or so late. */
const LATE_FLOWS_MS = 5_000;
/** Indexes of past buckets kept: flows out of order around a bucket's edge must not build one at each crossing. */
const PAST_INDEXES_KEPT = 3;

export interface LiveTrafficOptions {
  tickMs?: number;
  /**
   * How long closed buckets are kept in memory for drawing: by default the drawn window, and 0
   * for a recorder that draws nothing (it writes each bucket once and forgets it).
   */
  keepMs?: number;
  /** Injected so that tests control which flows are recent. */
  now?: () => number;
}

export interface LiveTrafficHooks {
  /** The cluster state at a moment: the recording's when recording, else the present. */
  objectsAt(t: number): Iterable<KubeObject>;
  /**
   * The present state, for an owner that reports its changes (`presentChanged`): flows of the last
   * few seconds are then attributed with one index kept current by them, not one built per bucket.
   */
  present?(): Iterable<KubeObject>;
  /** New buckets and notices, every tick: drawn, and recorded when recording. */
  changed(buckets: readonly FlowBucket[], notices: readonly FlowNotice[]): void;
}

/**
 * Observed traffic for the live view: flows from a FlowSource are attributed with the state of
 * their own time and counted into buckets. Each bucket is handed on (and so recorded) once, when it
 * has closed; the live picture also counts the buckets still filling, so it need not wait for them.
 * The drawn window is kept in memory. Lost events and stream interruptions become notices: the
 * picture is incomplete.
 */
export class LiveTraffic {
  private readonly aggregator = new FlowAggregator();
  /** Closed buckets kept for drawing, one group per bucket start, oldest first; a group never changes once made. */
  private closed: FlowBucket[][] = [];
  private pendingNotices: FlowNotice[] = [];
  private warnings: FlowNotice[] = [];
  private status: FlowSourceStatus = { state: 'connecting' };
  private timer?: NodeJS.Timeout;
  private readonly pastIndexes = new Map<number, EndpointIndex>();
  private presentIndex?: EndpointIndex;
  /** Flows counted by the last tick: a tick with new flows redraws even before their bucket closes. */
  private countedAtTick = 0;
  /** The newest flow time seen, and whether flows came since the last tick: a stream behind the clock closes buckets by its own. */
  private newestFlow = -Infinity;
  private flowsSinceTick = false;
  private readonly tickMs: number;
  private readonly keepMs: number;
  private readonly now: () => number;

  constructor(
    private readonly source: FlowSource,
    private readonly hooks: LiveTrafficHooks,
    options: LiveTrafficOptions = {},
  ) {
    this.tickMs = options.tickMs ?? 2000;
    this.keepMs = options.keepMs ?? DEFAULT_TRAFFIC_WINDOW_MS + BUCKET_MS;
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    await this.source.start({
      flows: (flows) => {
        for (const flow of flows) {
          this.aggregator.add(flow, this.indexAt(flow.time));
          if (flow.time > this.newestFlow) this.newestFlow = flow.time;
        }
        if (flows.length) this.flowsSinceTick = true;
      },
      notice: (notice) => {
        this.pendingNotices.push(notice);
        if (notice.kind !== 'node-status' || !notice.message.endsWith('NODE_CONNECTED')) this.warnings = [...this.warnings.slice(-9), notice];
      },
      status: (status) => {
        this.status = status;
      },
    });
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.source.stop();
    this.flush();
  }

  /** Hands on the buckets still filling as they are: nothing is left unsaid when a recording or the source ends. */
  flush(): void {
    this.tick(Infinity);
  }

  /** Forgets what it attributed with: the state changed in a way that matters (a new source, a new recording). */
  resetAttribution(): void {
    this.pastIndexes.clear();
    this.presentIndex = undefined;
  }

  /**
   * The present state changed by `changes`; without them (a state compared whole, a re-list), the
   * present's index is built again when next needed.
   */
  presentChanged(changes?: readonly ObjectChange[]): void {
    if (changes && this.presentIndex) this.presentIndex.apply(changes);
    else this.presentIndex = undefined;
  }

  /** Attribution needs the state of a flow's own time; recent flows (most of them) are of the present. */
  indexAt(t: number): EndpointIndex {
    if (this.hooks.present && t >= this.now() - LATE_FLOWS_MS) return (this.presentIndex ??= new EndpointIndex(this.hooks.present()));
    const bucket = t - (t % BUCKET_MS);
    let index = this.pastIndexes.get(bucket);
    if (!index) {
      this.pastIndexes.set(bucket, (index = new EndpointIndex(this.hooks.objectsAt(t))));
      for (const old of this.pastIndexes.keys()) if (this.pastIndexes.size > PAST_INDEXES_KEPT) this.pastIndexes.delete(old);
    }
    return index;
  }

  /**
   * Hands on the buckets that have closed. While flows stream, a bucket closes by the flows' own
   * clock: a reader running behind (a busy process, a Relay catching up) still hands on each bucket
   * whole, once, instead of a part of it every tick. When they stop, the wall clock closes the rest.
   */
  private tick(closedBy = (this.flowsSinceTick ? Math.min(this.now(), this.newestFlow) : this.now()) - LATE_FLOWS_MS): void {
    this.flowsSinceTick = false;
    const closed = this.aggregator.drain(closedBy);
    const notices = this.pendingNotices;
    this.pendingNotices = [];
    const counted = this.aggregator.counted;
    if (closed.length === 0 && notices.length === 0 && counted === this.countedAtTick) return;
    this.countedAtTick = counted;
    if (this.keepMs > 0) {
      const horizon = this.now() - this.keepMs;
      this.closed = this.closed.filter((group) => group[0].start >= horizon);
      // Drained buckets come sorted by start: each start's run is one group.
      for (let i = 0; i < closed.length; ) {
        let end = i + 1;
        while (end < closed.length && closed[end].start === closed[i].start) end++;
        this.closed.push(closed.slice(i, end));
        i = end;
      }
    }
    this.hooks.changed(closed, notices);
  }

  /** The traffic drawn now: the window up to now, the closed groups shared with earlier windows, copies of the open buckets. */
  window(now = this.now()): TrafficWindow {
    const window = { from: now - DEFAULT_TRAFFIC_WINDOW_MS, to: now };
    return { window, closed: this.closed.filter((group) => bucketInWindow(group[0].start, window)), open: this.aggregator.open().filter((b) => bucketInWindow(b.start, window)) };
  }

  /** What the status bar says about traffic: the source's state, and what was lost. */
  notices(): Notice[] {
    const out: Notice[] = [];
    if (this.status.state !== 'streaming' && this.status.message) out.push({ severity: 'warning', message: this.status.message });
    for (const w of this.warnings) out.push({ severity: w.kind === 'lost-events' ? 'warning' : 'info', message: w.message, where: new Date(w.t).toISOString() });
    return out;
  }
}
