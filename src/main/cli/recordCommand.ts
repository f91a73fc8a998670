import { parseDuration } from '../../core/history/timeExpressions';
import type { SessionStatus } from '../../shared/contract';
import { LiveClusterSource } from '../cluster/LiveClusterSource';
import { loadKubeconfig, locateKubeconfig } from '../cluster/kubeconfig';
import { LiveTraffic } from '../backend/LiveTraffic';
import { hubbleSource, type HubbleOptions } from '../flows/hubbleOptions';
import { Recorder } from '../store/Recorder';
import { RecordingStore } from '../store/RecordingStore';
import { UsageError } from '../sources/SourceCatalog';
import { EXIT } from './exitCodes';

export interface RecordOptions extends HubbleOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  db: string;
  duration?: string;
  retain?: string;
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/**
 * `strata record`: a headless recorder for a jump host. Shows progress on stderr; SIGINT and
 * SIGTERM (and --duration) flush, close the session and exit cleanly.
 */
export async function recordCommand(options: RecordOptions, err: NodeJS.WritableStream & { isTTY?: boolean }): Promise<number> {
  const duration = options.duration === undefined ? undefined : parseDuration(options.duration);
  if (options.duration !== undefined && duration === undefined) throw new UsageError(`--duration ${options.duration} is not a duration; use e.g. 30m, 8h or 7d.`);
  const maxAgeMs = options.retain === undefined ? undefined : parseDuration(options.retain);
  if (options.retain !== undefined && maxAgeMs === undefined) throw new UsageError(`--retain ${options.retain} is not a duration; use e.g. 7d.`);

  const source = new LiveClusterSource({ kubeconfig: loadKubeconfig(locateKubeconfig(options.kubeconfig)), context: options.context, namespaces: options.namespace ?? [] });
  let status: Pick<SessionStatus, 'sync' | 'message'> = { sync: 'connecting' };
  let failed: string | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  // The context is checked before the file is touched: a typo must not leave an empty recording behind.
  const identity = source.identity();
  const store = RecordingStore.open(options.db);
  const recorder = new Recorder(store, identity, { ...(maxAgeMs !== undefined ? { retain: { maxAgeMs } } : {}) }, (message) => {
    failed = message;
    finish();
  });
  let report = () => {};
  const unsubscribe = source.subscribeChanges((changes) => recorder.record(changes));
  recorder.start();
  // Observed traffic, when a Hubble Relay is given: attributed with the state as it is, and recorded beside it.
  const flows = hubbleSource(options);
  // A recorder draws nothing, so it keeps no traffic in memory: each bucket is written once, when it closes.
  const traffic = flows ? new LiveTraffic(flows, { objectsAt: () => source.currentObjects(), changed: (buckets, notices) => recorder.recordFlows(buckets, notices) }, { keepMs: 0 }) : undefined;
  await traffic?.start();
  await source.start((update) => {
    const changed = update.sync !== status.sync;
    status = { sync: update.sync, ...(update.message ? { message: update.message } : {}) };
    recorder.sourceStatus(update.sync, update.message);
    if (changed) report();
  });

  let lastCount = 0;
  let lastAt = Date.now();
  // A live line on a terminal; in a log (a jump host's service), a line on every state change and every 10 s.
  report = () => {
    const stats = recorder.stats();
    const now = Date.now();
    const rate = ((stats.committed - lastCount) * 1000) / Math.max(1, now - lastAt);
    [lastCount, lastAt] = [stats.committed, now];
    const line = `${status.sync}${status.message ? ` (${status.message})` : ''} · ${source.objectCount()} objects · ${stats.committed} events · ${rate.toFixed(0)} events/s · ${mib(stats.bytes)}`;
    err.write(err.isTTY ? `\r\u001b[2K${line}` : `${line}\n`);
  };
  const progress = setInterval(report, err.isTTY ? 1000 : 10_000);

  const stop = () => finish();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  err.write(`strata: recording context ${identity.context} (${identity.server}) into ${options.db}${duration ? ` for ${options.duration}` : ''}; Ctrl+C stops.\n`);
  const timer = duration ? setTimeout(stop, duration) : undefined;
  await finished;

  clearTimeout(timer);
  clearInterval(progress);
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  unsubscribe();
  await traffic?.stop();
  recorder.stop();
  await source.stop();
  const stats = recorder.stats();
  store.close();
  if (err.isTTY) err.write('\n');
  if (failed) {
    err.write(`strata: ${failed}\n`);
    return EXIT.failed;
  }
  err.write(`strata: recorded ${stats.committed} events into ${options.db} (${mib(stats.bytes)}).\n`);
  return EXIT.ok;
}
