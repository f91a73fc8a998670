import { EndpointIndex } from '../../core/flows/EndpointIndex';
import { BUCKET_MS, FlowAggregator } from '../../core/flows/FlowAggregator';
import { DEFAULT_TRAFFIC_WINDOW_MS } from '../../core/flows/observedTraffic';
import type { FlowBucket, FlowNotice } from '../../shared/flows';
import type { Notice } from '../../shared/contract';
import type { KubeObject } from '../../shared/kube';
import type { FlowSource, FlowSourceStatus } from '../flows/FlowSource';
import type { ObservedWindow } from '../sources/TopologySource';

/** How long live traffic is kept in memory; the view draws the last DEFAULT_TRAFFIC_WINDOW_MS of it. */
const KEEP_MS = 15 * 60_000;

export interface LiveTrafficHooks {
  /** The cluster state at a moment: the recording's when recording, else the present. */
  objectsAt(t: number): Iterable<KubeObject>;
  /** New buckets and notices, every tick: drawn, and recorded when recording. */
  changed(buckets: readonly FlowBucket[], notices: readonly FlowNotice[]): void;
}

/**
 * Observed traffic for the live view: flows from a FlowSource are attributed with the state of
 * their own time, counted into buckets, and handed on every tick; the last minutes are kept for
 * drawing. Lost events and stream interruptions become notices: the picture is incomplete.
 */
export class LiveTraffic {
  private readonly aggregator = new FlowAggregator();
  private recent: FlowBucket[] = [];
  private pendingNotices: FlowNotice[] = [];
  private warnings: FlowNotice[] = [];
  private status: FlowSourceStatus = { state: 'connecting' };
  private timer?: NodeJS.Timeout;
  private index?: { bucket: number; index: EndpointIndex };

  constructor(
    private readonly source: FlowSource,
    private readonly hooks: LiveTrafficHooks,
    private readonly tickMs = 2000,
  ) {}

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
    this.tick();
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

  private tick(): void {
    const buckets = this.aggregator.drain();
    const notices = this.pendingNotices;
    this.pendingNotices = [];
    if (buckets.length === 0 && notices.length === 0) return;
    const horizon = Date.now() - KEEP_MS;
    this.recent = [...this.recent.filter((b) => b.start >= horizon), ...buckets];
    this.hooks.changed(buckets, notices);
  }

  window(now = Date.now()): ObservedWindow {
    const window = { from: now - DEFAULT_TRAFFIC_WINDOW_MS, to: now };
    return { buckets: this.recent.filter((b) => b.start + BUCKET_MS > window.from), window };
  }

  /** What the status bar says about traffic: the source's state, and what was lost. */
  notices(): Notice[] {
    const out: Notice[] = [];
    if (this.status.state !== 'streaming' && this.status.message) out.push({ severity: 'warning', message: this.status.message });
    for (const w of this.warnings) out.push({ severity: w.kind === 'lost-events' ? 'warning' : 'info', message: w.message, where: new Date(w.t).toISOString() });
    return out;
  }
}
