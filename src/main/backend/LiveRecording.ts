import type { RecordingStatus } from '../../shared/contract';
import type { LiveClusterSource } from '../cluster/LiveClusterSource';
import { Recorder, type RecorderOptions } from '../store/Recorder';
import { RecordingStore } from '../store/RecordingStore';
import type { SourceUpdate } from '../sources/TopologySource';

/** How often, at most, the timeline and the status bar follow a recording as it grows. */
const FOLLOW_INTERVAL_MS = 2_000;

/**
 * A recording of a live context that the user started in the app: the recorder writing the
 * source's changes and flows, a read-only connection to the same file for time travel, and a timer
 * that tells the session (`onChange`) as the recording grows. Ends with `stop`, which closes both
 * connections: each start and stop would otherwise leave a file open.
 */
export class LiveRecording {
  private figures?: RecordingStatus;

  private constructor(
    private readonly recorder: Recorder,
    private readonly writer: RecordingStore,
    readonly reader: RecordingStore,
    private readonly unsubscribe: () => void,
    private readonly timer: NodeJS.Timeout,
  ) {}

  /**
   * Starts recording `source` at `path`: what it holds now, its sync status, then every change.
   * `onChange` is called when the recording fails (the failure is in its status), and every few
   * seconds as it grows.
   */
  static start(source: LiveClusterSource, path: string, options: { retain?: RecorderOptions['retain']; sync: Omit<SourceUpdate, 'state'>; onChange: () => void }): LiveRecording {
    // A context that cannot be used throws here, before a file is opened; past the two opens, the
    // recorder reports a failure through onChange (its status), not with a throw.
    const identity = source.identity();
    const store = RecordingStore.open(path);
    let reader: RecordingStore;
    try {
      reader = RecordingStore.open(path, { readonly: true });
    } catch (error) {
      store.close();
      throw error;
    }
    const recorder = new Recorder(store, identity, { ...(options.retain ? { retain: options.retain } : {}) }, options.onChange);
    recorder.start();
    recorder.record(source.currentObjects().map((object) => ({ type: 'added' as const, key: '', object })));
    recorder.sourceStatus(options.sync.sync, options.sync.message);
    const unsubscribe = source.subscribeChanges((changes) => recorder.record(changes));
    // Counting a recording's changes grows with it, so a long recording is counted less often: the
    // session spends at most a twentieth of its time following it.
    let nextCount = 0;
    const timer = setInterval(() => {
      if (performance.now() < nextCount) return;
      const start = performance.now();
      options.onChange();
      nextCount = start + 20 * (performance.now() - start);
    }, FOLLOW_INTERVAL_MS);
    timer.unref?.();
    const recording = new LiveRecording(recorder, store, reader, unsubscribe, timer);
    recorder.flush();
    return recording;
  }

  get path(): string {
    return this.writer.path;
  }

  /**
   * The recording's figures. Reading them scans the recording, so callers that follow every source
   * update take them as last read (`fresh` false); the timeline reads them afresh.
   */
  status(fresh = false): RecordingStatus {
    if (fresh || !this.figures) {
      const stats = this.recorder.stats();
      this.figures = { path: stats.path, events: stats.committed, bytes: stats.bytes, ...(stats.span ? { span: stats.span } : {}), ...(stats.error ? { error: stats.error } : {}) };
    }
    return this.figures;
  }

  recordFlows(...args: Parameters<Recorder['recordFlows']>): void {
    this.recorder.recordFlows(...args);
  }

  sourceStatus(sync: SourceUpdate['sync'], message?: string): void {
    this.recorder.sourceStatus(sync, message);
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    this.recorder.stop();
    this.writer.close();
    this.reader.close();
  }
}
