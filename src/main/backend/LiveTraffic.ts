import { EndpointIndex } from '../../core/flows/EndpointIndex';
import { BUCKET_MS, FlowAggregator } from '../../core/flows/FlowAggregator';
import { DEFAULT_TRAFFIC_WINDOW_MS } from '../../core/flows/observedTraffic';
import type { FlowBucket, FlowNotice } from '../../shared/flows';
import type { Notice } from '../../shared/contract';
import type { KubeObject } from '../../shared/kube';
import type { FlowSource, FlowSourceStatus } from '../flows/FlowSource';
import type { ObservedWindow } from '../sources/TopologySource';

/** A bucket is handed on this long after it ends: Hubble Relay's sort buffer delivers flows a second or so late. */
const LATE_FLOWS_MS = 5_000;

export interface LiveTrafficOptions {
  tickMs?: number;
  /**
   * How long closed buckets are kept in memory for drawing: by default the drawn window, and 0
   * for a recorder that draws nothing (it writes each bucket once and forgets it).
   */
  keepMs?: number;
}

export interface LiveTrafficHooks {
  /** The cluster state at a moment: the recording's when recording, else the present. */
  objectsAt(t: number): Iterable<KubeObject>;
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
  private recent: FlowBucket[] = [];
  private pendingNotices: FlowNotice[] = [];
  private warnings: FlowNotice[] = [];
  private status: FlowSourceStatus = { state: 'connecting' };
  private timer?: NodeJS.Timeout;
  private index?: { bucket: number; index: EndpointIndex };
  /** Flows counted by the last tick: a tick with new flows redraws even before their bucket closes. */
  private countedAtTick = 0;
  private readonly tickMs: number;
  private readonly keepMs: number;

  constructor(
    private readonly source: FlowSource,
    private readonly hooks: LiveTrafficHooks,
    options: LiveTrafficOptions = {},
  ) {
    this.tickMs = options.tickMs ?? 2000;
    this.keepMs = options.keepMs ?? DEFAULT_TRAFFIC_WINDOW_MS + BUCKET_MS;
  }

  async start(): Promise<void> {
    await this.source.start({
      flows: (flows) => {
        for (const flow of flows) this.aggregator.add(flow, this.indexAt(flow.time));
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
    this.index = undefined;
  }

  private indexAt(t: number): EndpointIndex {
    const bucket = t - (t % BUCKET_MS);
    if (this.index?.bucket !== bucket) this.index = { bucket, index: new EndpointIndex(this.hooks.objectsAt(t)) };
    return this.index.index;
  }

  private tick(closedBy = Date.now() - LATE_FLOWS_MS): void {
    const closed = this.aggregator.drain(closedBy);
    const notices = this.pendingNotices;
    this.pendingNotices = [];
    const counted = this.aggregator.counted;
    if (closed.length === 0 && notices.length === 0 && counted === this.countedAtTick) return;
    this.countedAtTick = counted;
    if (this.keepMs > 0) {
      const horizon = Date.now() - this.keepMs;
      this.recent = [...this.recent.filter((b) => b.start >= horizon), ...closed];
    }
    this.hooks.changed(closed, notices);
  }

  window(now = Date.now()): ObservedWindow {
    const window = { from: now - DEFAULT_TRAFFIC_WINDOW_MS, to: now };
    return { buckets: [...this.recent, ...this.aggregator.open()].filter((b) => b.start + BUCKET_MS > window.from), window };
  }

  /** What the status bar says about traffic: the source's state, and what was lost. */
  notices(): Notice[] {
    const out: Notice[] = [];
    if (this.status.state !== 'streaming' && this.status.message) out.push({ severity: 'warning', message: this.status.message });
    for (const w of this.warnings) out.push({ severity: w.kind === 'lost-events' ? 'warning' : 'info', message: w.message, where: new Date(w.t).toISOString() });
    return out;
  }
}
