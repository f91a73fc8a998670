import { applyChanges, type ObjectState, type RecordedChange } from '../../core/history/objectState';
import type { SessionStatus } from '../../shared/contract';
import type { FlowBucket, FlowNotice } from '../../shared/flows';
import type { ObjectChange } from '../../shared/kube';
import { RecordingError, type RecordingStore, type SourceIdentity } from './RecordingStore';

export interface RecorderOptions {
  /** A keyframe after this many events… */
  keyframeEveryEvents?: number;
  /** …or this long, whichever comes first. */
  keyframeEveryMs?: number;
  /** Changes are committed in batches at least this often. */
  flushEveryMs?: number;
  /** Retention, applied now and then while recording. */
  retain?: { maxAgeMs?: number; maxBytes?: number };
  now?: () => number;
}

export interface RecorderStats {
  path: string;
  /** Events committed by this recorder. */
  committed: number;
  bytes: number;
  span?: { from: number; to: number };
  /** Set when recording stopped on a failure; nothing committed before it is lost. */
  error?: string;
}

function failureMessage(path: string, error: unknown): string {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'SQLITE_FULL') return `Recording to ${path} stopped: the disk is full. Everything recorded until now is kept; free space and start recording again.`;
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') return `Recording to ${path} stopped: the file cannot be written (${code}). Everything recorded until now is kept.`;
  return `Recording to ${path} stopped: ${(error as Error).message ?? String(error)} (${code || 'error'}). Everything recorded until now is kept.`;
}

/**
 * Writes what a live source observes into a recording: every change as an event (committed in
 * batches), a keyframe of the full state every N events or M minutes, and gaps while the source
 * is not in sync. A write failure (disk full, read-only file) stops recording, never the app.
 */
export class Recorder {
  private buffer: RecordedChange[] = [];
  private readonly state: ObjectState = new Map();
  private sinceKeyframe = 0;
  private lastKeyframeAt = 0;
  private lastRetainAt = 0;
  private timer?: NodeJS.Timeout;
  private committed = 0;
  private lastT = 0;
  private failure?: string;
  private readonly now: () => number;

  constructor(
    private readonly store: RecordingStore,
    private readonly identity: SourceIdentity,
    private readonly options: RecorderOptions = {},
    private readonly onFailure: (message: string) => void = () => {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Begins a session; a file that cannot be written fails here, through onFailure, not with a throw. */
  start(): void {
    const t = this.now();
    this.timer = setInterval(() => this.flush(), this.options.flushEveryMs ?? 250);
    this.timer.unref?.();
    try {
      this.store.beginSession(this.identity, t);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.lastKeyframeAt = t;
  }

  get active(): boolean {
    return this.timer !== undefined;
  }

  record(changes: readonly ObjectChange[]): void {
    if (!this.active) return;
    // Time never runs backwards in a recording (the clock may): seeks rely on ids growing with time.
    const t = Math.max(this.now(), this.lastT);
    this.lastT = t;
    for (const c of changes) this.buffer.push({ t, type: c.type, object: c.object });
    applyChanges(this.state, changes);
    if (this.buffer.length >= 5000) this.flush();
  }

  /** Observed traffic, already aggregated, with what the flow source said. */
  recordFlows(buckets: readonly FlowBucket[], notices: readonly FlowNotice[]): void {
    if (!this.active) return;
    try {
      this.store.appendFlows(buckets, notices);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Turns the source's sync state into gaps: no data is claimed while it is not in sync. */
  sourceStatus(sync: SessionStatus['sync'], message?: string): void {
    if (!this.active) return;
    try {
      if (sync === 'synced') this.store.closeGap(this.now());
      else if (sync === 'resyncing' || sync === 'error') this.store.openGap(this.now(), message ?? sync);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Commits what is buffered; returns the number of events committed in total. */
  flush(): number {
    if (!this.active || this.buffer.length === 0) return this.committed;
    const batch = this.buffer;
    this.buffer = [];
    try {
      const lastId = this.store.append(batch);
      this.committed += batch.length;
      this.sinceKeyframe += batch.length;
      const t = this.now();
      if (this.sinceKeyframe >= (this.options.keyframeEveryEvents ?? 20_000) || t - this.lastKeyframeAt >= (this.options.keyframeEveryMs ?? 10 * 60_000)) {
        this.store.writeKeyframe(t, lastId, this.state.values());
        this.sinceKeyframe = 0;
        this.lastKeyframeAt = t;
      }
      if (this.options.retain && t - this.lastRetainAt >= 60_000) {
        this.lastRetainAt = t;
        this.store.retain(this.options.retain, t);
      }
    } catch (error) {
      this.fail(error);
    }
    return this.committed;
  }

  private fail(error: unknown): void {
    this.failure = error instanceof RecordingError ? error.message : failureMessage(this.store.path, error);
    clearInterval(this.timer);
    this.timer = undefined;
    this.buffer = [];
    this.onFailure(this.failure);
  }

  stop(): void {
    if (!this.active) return;
    this.flush();
    if (!this.active) return;
    clearInterval(this.timer);
    this.timer = undefined;
    try {
      this.store.endSession(this.now());
    } catch (error) {
      this.fail(error);
    }
  }

  stats(): RecorderStats {
    const span = this.store.span();
    return { path: this.store.path, committed: this.committed, bytes: this.store.bytes(), ...(span ? { span } : {}), ...(this.failure ? { error: this.failure } : {}) };
  }
}
