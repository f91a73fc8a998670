/**
 * `npm run bench -- soak`: `strata record` and `strata serve` (recording too, as its Record button
 * does) run as the built app's own processes for STRATA_SOAK_MINUTES (default 3) against the API
 * server double (10,000 pods, 200 pod changes a second in ns-0) and the Hubble Relay double (5,000
 * flows a second). A line per sampling interval (STRATA_SOAK_SAMPLE_SECONDS, default a tenth of the
 * run), then the drift after warm-up (the first third of the run, 30 s to 20 min). Figures only.
 * STRATA_SOAK_KEEP=1 keeps the two recordings (in a temporary folder, printed) for a closer look.
 *
 * How each figure is taken, from outside the app (it exposes no memory figures of its own):
 * - heap: through the Node inspector (`--inspect=127.0.0.1:0`), used size right after a full
 *   collection (`gc()`, with `--expose-gc`), so that garbage not yet collected does not pass for a
 *   leak. Not HeapProfiler.collectGarbage: it collects "all available garbage", code included, and
 *   left `strata record` too slow to keep up with the flows (measured: 15-20 s behind and growing);
 * - RSS, open file descriptors, CPU (% of one core over the interval): /proc/PID/status (VmRSS),
 *   /proc/PID/fd, /proc/PID/stat; and the machine's load average, since the doubles, the bench and
 *   anything else running compete with Strata for the cores;
 * - database size: pages in use (page_count × page_size, read-only), without the WAL file, whose
 *   size only says how busy the last checkpoint was; on-disk size too at the end. Flows/s: flows
 *   counted into each recording's traffic buckets, against the 5,000 a second sent;
 * - lag: the churn's label changes carry their event number (`bench.strata.dev/churn=N`, see
 *   apiServerDoubleProcess.ts), and the double applies event N no earlier than (N + 1) / rate after
 *   the churn command was sent; so each recorded label change gives the lag to its recorded time,
 *   an upper bound. A serve client (following the view as the renderer does) also looks for the
 *   newest label every 5 s, after each view it gets, until it is there: the lag to what a user sees.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import type { RequestName, RequestParams, RequestResult } from '../../src/shared/contract';
import type { KubeObject } from '../../src/shared/kube';
import { decodeJson } from '../../src/main/store/codec';
import { cpuProfileFlags, ensureBuilt, PROFILING_STOP_GRACE_MS, startDouble, stopProcess } from './renderProcesses';
import type { ClusterSize } from './syntheticCluster';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The flow benchmarks' cluster (flowTraffic.ts), so that the Relay double's flows are attributed. */
const CLUSTER: ClusterSize = { namespaces: 100, nodes: 200, services: 500, pods: 10_000 };
const CHANGES_PER_SECOND = 200;
const FLOWS_PER_SECOND = 5_000;
const CHURN_NAMESPACE = 'ns-0';
const CHURN_LABEL = 'bench.strata.dev/churn';
/** Recorder.ts's defaults: a keyframe of the whole state every 20,000 events or 10 minutes. */
const KEYFRAME_EVERY_EVENTS = 20_000;
const KEYFRAME_EVERY_SECONDS = 600;

const minutes = Number(process.env.STRATA_SOAK_MINUTES ?? 3);
/** STRATA_SOAK_PROFILE=DIR: each Strata process writes a CPU profile there when it stops (open it in DevTools); profiled runs are slower. */
const profileDir = process.env.STRATA_SOAK_PROFILE ? resolvePath(process.env.STRATA_SOAK_PROFILE) : undefined;
const durationMs = minutes * 60_000;
const intervalMs = Math.min(durationMs, Number(process.env.STRATA_SOAK_SAMPLE_SECONDS ?? Math.max(10, durationMs / 10_000)) * 1000);
/** A third of the run, at most 20 min: Strata keeps 15 min of traffic in memory (LiveTraffic's KEEP_MS), so its heap fills that long. */
const warmUpMs = Math.min(1_200_000, Math.max(30_000, durationMs / 3));

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
const seconds = (ms: number | undefined) => (ms === undefined ? '—' : (ms / 1000).toFixed(2));
const clock = (ms: number) => `${Math.floor(ms / 60_000)}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;
const percent = (from: number, to: number) => `${to >= from ? '+' : ''}${(((to - from) / from) * 100).toFixed(1)}%`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const line = (label: string, value: string) => console.log(`  ${label.padEnd(36)} ${value}`);

function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ---- processes --------------------------------------------------------------------------------

const children = new Set<ChildProcess>();

/** A child process whose output lines are kept, so that one can wait for a line. */
function launch(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (l) => (lines.push(l), listeners.forEach((f) => f(l))));
  const waitFor = (pattern: RegExp, what: string, timeoutMs = 180_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const done = (error?: Error, match?: RegExpExecArray) => {
        listeners.delete(check);
        child.off('exit', exited);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(match!);
      };
      const check = (l: string) => {
        const match = pattern.exec(l);
        if (match) done(undefined, match);
      };
      const exited = () => done(new Error(`${args.join(' ')} exited before ${what}: ${lines.slice(-5).join(' | ')}`));
      const timer = setTimeout(() => done(new Error(`no ${what} within ${timeoutMs / 1000} s: ${lines.slice(-5).join(' | ')}`)), timeoutMs);
      listeners.add(check);
      child.once('exit', exited);
      lines.forEach(check);
    });
  const stop = () => stopProcess(child, profileDir ? PROFILING_STOP_GRACE_MS : 15_000);
  return { child, lines, listeners, waitFor, stop };
}

/** Requests over a WebSocket answered by id: the inspector's protocol and serve's contract both are. */
class Correlated {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (!waiter) return; // an event: the serve client needs only topology.changed, seen below
      this.waiting.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
    socket.once('close', () => this.waiting.forEach((w) => w.reject(new Error('the socket closed'))));
  }

  static async open(url: string): Promise<Correlated> {
    const socket = new WebSocket(url);
    await once(socket, 'open');
    return new Correlated(socket);
  }

  call(message: (id: number) => object): Promise<unknown> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.send(JSON.stringify(message(id)));
    });
  }
}

/** A Strata process: its figures from /proc and, through the inspector, its heap. */
interface StrataProcess {
  name: 'record' | 'serve';
  launched: ReturnType<typeof launch>;
  inspector: Correlated;
}

async function startStrata(name: StrataProcess['name'], args: string[], env: NodeJS.ProcessEnv = {}): Promise<StrataProcess> {
  const profile = cpuProfileFlags(profileDir);
  const launched = launch(['--inspect=127.0.0.1:0', '--expose-gc', ...profile, 'out/main/cli.js', name, ...args], env);
  const [, url] = await launched.waitFor(/Debugger listening on (ws:\/\/\S+)/, 'the inspector');
  return { name, launched, inspector: await Correlated.open(url) };
}

async function liveHeap(strata: StrataProcess): Promise<number> {
  await strata.inspector.call((id) => ({ id, method: 'Runtime.evaluate', params: { expression: 'gc()' } }));
  return ((await strata.inspector.call((id) => ({ id, method: 'Runtime.getHeapUsage' }))) as { usedSize: number }).usedSize;
}

/** The machine's 1-minute load average: above the core count, every process here waits for CPU. */
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

function procFigures(pid: number) {
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
  // utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s on Linux.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rss, fds: readdirSync(`/proc/${pid}/fd`).length, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

// ---- the churn's clock, and what a recording shows of it ------------------------------------------

/** When the double applied churn event N, at the earliest: the churn paces itself from its start. */
class ChurnClock {
  constructor(readonly startedAt: number) {}
  appliedAt(event: number): number {
    return this.startedAt + ((event + 1) * 1000) / CHANGES_PER_SECOND;
  }
  /** The newest label change due by `now`: one event in four is one (slot 2 of apiServerDoubleProcess.ts's churn). */
  newestLabelEvent(now: number): number | undefined {
    let event = Math.floor(((now - this.startedAt) * CHANGES_PER_SECOND) / 1000) - 1;
    while (event >= 0 && event % 4 !== 2) event--;
    return event >= 0 ? event : undefined;
  }
}

/** A recording as it grows, read-only: its size, the lag of each churn label change, the flows counted. */
class RecordingWatch {
  private db?: Database.Database;
  private lastEventId = 0;
  private lastFlowId = 0;
  private newestLabel = -1;
  private batch?: { id: number; objects: KubeObject[] };
  /** Lags (ms) of the label changes read since the last sample. */
  lags: number[] = [];
  flows = 0;

  constructor(
    readonly path: string,
    private readonly churn: () => ChurnClock | undefined,
  ) {}

  private get database(): Database.Database | undefined {
    if (!this.db && existsSync(this.path)) this.db = new Database(this.path, { readonly: true, fileMustExist: true });
    return this.db;
  }

  private value<T>(sql: string, ...params: unknown[]): T {
    return Object.values(this.database!.prepare(sql).get(...params) as object)[0] as T;
  }

  poll(): void {
    const db = this.database;
    const churn = this.churn();
    if (!db || !churn) return;
    const rows = db.prepare('SELECT id, t, kind, namespace, batch_id AS batch, batch_index AS slot FROM events WHERE id > ? ORDER BY id').all(this.lastEventId) as { id: number; t: number; kind: string; namespace: string; batch: number; slot: number }[];
    for (const row of rows) {
      this.lastEventId = row.id;
      if (row.namespace !== CHURN_NAMESPACE || row.kind !== 'Pod') continue;
      if (this.batch?.id !== row.batch) this.batch = { id: row.batch, objects: decodeJson<KubeObject[]>(this.value<Buffer>('SELECT data FROM batches WHERE id = ?', row.batch)) };
      const label = Number(this.batch.objects[row.slot]?.metadata.labels?.[CHURN_LABEL]);
      // Only a new label counts: the pod's other changes (readiness) carry the label it had.
      if (!(label > this.newestLabel)) continue;
      this.newestLabel = label;
      this.lags.push(row.t - churn.appliedAt(label));
    }
    const flows = db.prepare('SELECT MAX(id) AS id, SUM(count) AS n FROM flow_buckets WHERE id > ?').get(this.lastFlowId) as { id: number | null; n: number | null };
    this.lastFlowId = flows.id ?? this.lastFlowId;
    this.flows += flows.n ?? 0;
  }

  /** Bytes of the pages in use, as the writer has committed them (WAL included, its file's slack not). */
  bytes(): number {
    return this.database ? this.value<number>('PRAGMA page_count') * this.value<number>('PRAGMA page_size') : 0;
  }

  diskBytes(): number {
    return [this.path, `${this.path}-wal`].reduce((sum, p) => sum + (existsSync(p) ? statSync(p).size : 0), 0);
  }

  events(): number {
    return this.value<number | null>('SELECT MAX(id) FROM events') ?? 0;
  }

  /** The newest keyframe's bytes, or the state's as first recorded (in change batches) before there is one. */
  stateBytes(): number {
    const keyframe = this.value<number | null>('SELECT SUM(length(data)) FROM keyframe_parts WHERE keyframe_id = (SELECT MAX(keyframe_id) FROM keyframe_parts)');
    return keyframe ?? this.value<number>('SELECT COALESCE(SUM(length(data)), 0) FROM batches');
  }

  keyframeBytesSince(t: number): number {
    return this.value<number>('SELECT COALESCE(SUM(length(p.data)), 0) FROM keyframe_parts p JOIN keyframes k ON k.id = p.keyframe_id WHERE k.t > ?', t);
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}

/**
 * The size a recording should have: its growth over the warm-up without keyframes, plus a keyframe
 * of the state's size as often as the recorder writes them, carried on from the end of the warm-up.
 */
function predictSize(watch: RecordingWatch, start: { at: number; bytes: number; events: number }, now: number) {
  const elapsed = (now - start.at) / 1000;
  const bytes = watch.bytes();
  const changes = (bytes - start.bytes - watch.keyframeBytesSince(start.at)) / elapsed;
  const keyframes = watch.stateBytes() * Math.max((watch.events() - start.events) / elapsed / KEYFRAME_EVERY_EVENTS, 1 / KEYFRAME_EVERY_SECONDS);
  return (t: number) => bytes + ((changes + keyframes) * (t - now)) / 1000;
}

// ---- the run ----------------------------------------------------------------------------------

interface Sample {
  at: number;
  heap: number;
  rss: number;
  fds: number;
  cpuSeconds: number;
  dbBytes: number;
  flows: number;
}

export async function benchSoak(): Promise<void> {
  console.log(`\nSoak: strata record and strata serve (recording) for ${minutes} min against the API server double (${CLUSTER.pods.toLocaleString('en')} pods, ${CHANGES_PER_SECOND} changes/s) and the Hubble Relay double (${FLOWS_PER_SECOND.toLocaleString('en')} flows/s), test doubles in their own processes`);
  console.log(`  a line every ${intervalMs / 1000} s; warm-up ${clock(warmUpMs)}; set STRATA_SOAK_MINUTES and STRATA_SOAK_SAMPLE_SECONDS to change them`);
  if (profileDir) console.log(`  writing CPU profiles to ${profileDir}: the figures are those of profiled (slower) processes`);
  ensureBuilt();
  // startDouble's guard kills its own child and exits on Ctrl+C; this takes ours along on any exit.
  process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));
  const dir = mkdtempSync(join(tmpdir(), 'strata-soak-'));
  const double = await startDouble(CLUSTER);
  const relay = launch(['--import', 'tsx', fileURLToPath(new URL('./soakRelayProcess.ts', import.meta.url)), String(FLOWS_PER_SECOND)]);
  let churn: ChurnClock | undefined;
  let running = true;
  const timers: NodeJS.Timeout[] = [];
  const strata: StrataProcess[] = [];
  const watches: RecordingWatch[] = [];
  let serveSocket: Correlated | undefined;
  try {
    const relayAddress = (JSON.parse((await relay.waitFor(/^\{"address"/, 'its address')).input) as { address: string }).address;
    let relaySent = 0;
    relay.listeners.add((l) => l.startsWith('{"sent"') && (relaySent = (JSON.parse(l) as { sent: number }).sent));
    const source = ['--kubeconfig', double.kubeconfig, '--context', 'bench', '--hubble', relayAddress];

    const record = await startStrata('record', ['--db', join(dir, 'record.strata'), ...source]);
    strata.push(record);
    await record.launched.waitFor(/^synced · /, 'a synced state');
    const serve = await startStrata('serve', source, { STRATA_RECORDINGS: join(dir, 'serve') });
    strata.push(serve);
    const openUrl = new URL((await serve.launched.waitFor(/^Open (\S+)/, 'its URL'))[1]);
    serveSocket = await Correlated.open(`ws://${openUrl.host}/api/ws?token=${openUrl.searchParams.get('token')}`);
    const socket = serveSocket;
    const request = <N extends RequestName>(name: N, params: RequestParams<N>) => socket.call((id) => ({ type: 'request', id, name, params })) as Promise<RequestResult<N>>;
    for (let waited = 0; (await request('session.get', {})).sync !== 'synced'; waited += 500) {
      if (waited > 180_000) throw new Error('strata serve did not sync within 180 s');
      await sleep(500);
    }
    const serveRecording = (await request('recording.start', {})).recording!.path;
    watches.push(new RecordingWatch(join(dir, 'record.strata'), () => churn), new RecordingWatch(serveRecording, () => churn));

    // The serve client follows the view as the renderer does (useView.ts): one view.get in flight,
    // each asked at least 250 ms after the one before was asked. Every 5 s it also looks for the
    // newest label change, right after each view (so that the search reuses the topology the view
    // was cut from) until it is there, or 15 s have passed.
    const clientLags: { at: number; lag: number }[] = [];
    let clientMissed = 0;
    let lookingFor: number | undefined;
    const lookForLabel = async () => {
      if (lookingFor === undefined || !churn) return;
      const found = (await request('view.search', { query: `${CHURN_LABEL}=${lookingFor}` })).total > 0;
      const at = Date.now();
      const lag = at - churn.appliedAt(lookingFor);
      if (found) clientLags.push({ at, lag });
      else if (lag > 15_000) clientMissed++;
      else return;
      lookingFor = undefined;
    };
    let viewKey: string | undefined;
    let viewWanted = false;
    let viewInFlight = false;
    /** How long each view.get took to answer: the other part of what a user waits for. */
    const viewTimes: { at: number; ms: number }[] = [];
    let lastAsked = 0;
    let spacing: NodeJS.Timeout | undefined;
    const followView = (): void => {
      if (viewInFlight || spacing || !running) return void (viewWanted = true);
      const wait = lastAsked + 250 - Date.now();
      if (wait > 0) {
        spacing = setTimeout(() => ((spacing = undefined), followView()), wait);
        return;
      }
      [viewInFlight, viewWanted] = [true, false];
      const asked = (lastAsked = Date.now());
      request('view.get', { spec: { level: 'auto' }, ...(viewKey ? { base: viewKey } : {}) })
        .then(
          (update) => {
            viewTimes.push({ at: Date.now(), ms: Date.now() - asked });
            viewKey = update.key;
          },
          () => (viewKey = undefined),
        )
        .then(lookForLabel)
        .catch(() => {}) // the socket closes under it at the end
        .finally(() => ((viewInFlight = false), viewWanted && followView()));
    };
    socket.socket.on('message', (data) => String(data).includes('"topology.changed"') && followView());
    followView();

    // Go: the churn runs as long as the soak; its answer (how it kept pace) comes at its end.
    churn = new ChurnClock(Date.now());
    const churnDone = double.command(`churn ${CHANGES_PER_SECOND} ${durationMs / 1000} ${CHURN_NAMESPACE}`);
    churnDone.catch(() => {}); // awaited at the end; an early failure must not go unhandled meanwhile
    timers.push(setInterval(() => watches.forEach((w) => w.poll()), 1000));
    timers.push(setInterval(() => (lookingFor ??= churn!.newestLabelEvent(Date.now())), 5_000));

    // Baselines at the start, for the prediction of the databases' sizes.
    const start = watches.map((w) => ({ at: churn!.startedAt, bytes: w.bytes(), events: w.events() }));
    const predictions: ((t: number) => number)[] = [];
    const samples: Sample[][] = [[], []];
    const lagsAfterWarmUp: number[][] = [[], []];
    const relayAtStart = relaySent;
    let sample = { at: churn.startedAt, cpu: strata.map((s) => procFigures(s.launched.child.pid!).cpuSeconds), flows: watches.map((w) => w.flows) };
    console.log(`  ${'time'.padEnd(6)} ${'load'.padStart(5)} ${'process'.padEnd(7)} ${'heap MiB'.padStart(8)} ${'RSS MiB'.padStart(8)} ${'fds'.padStart(4)} ${'CPU'.padStart(5)}  ${'DB MiB (predicted)'.padEnd(19)} ${'flows/s'.padStart(7)}  lag p95 / max, s`);

    for (let next = churn.startedAt + intervalMs; next <= churn.startedAt + durationMs + 1000; next += intervalMs) {
      await sleep(Math.max(0, next - Date.now()));
      for (const s of strata) if (s.launched.child.exitCode !== null) throw new Error(`strata ${s.name} exited with code ${s.launched.child.exitCode}: ${s.launched.lines.slice(-5).join(' | ')}`);
      const now = Date.now();
      const elapsed = now - churn.startedAt;
      const warm = elapsed >= warmUpMs;
      watches.forEach((w) => w.poll());
      if (warm && predictions.length === 0) watches.forEach((w, i) => predictions.push(predictSize(w, start[i], now)));
      const newClientLags = clientLags.filter((c) => c.at > sample.at).map((c) => c.lag);
      const newViewTimes = viewTimes.filter((v) => v.at > sample.at).map((v) => v.ms);
      for (const [i, s] of strata.entries()) {
        const figures = procFigures(s.launched.child.pid!);
        const taken: Sample = { at: now, heap: await liveHeap(s), ...figures, dbBytes: watches[i].bytes(), flows: watches[i].flows };
        samples[i].push(taken);
        const lags = watches[i].lags.splice(0);
        if (warm) lagsAfterWarmUp[i].push(...lags);
        const cpu = ((figures.cpuSeconds - sample.cpu[i]) / ((now - sample.at) / 1000)) * 100;
        const flowsPerSecond = (taken.flows - sample.flows[i]) / ((now - sample.at) / 1000);
        const predicted = predictions[i] ? `(${mib(predictions[i](now))})` : warm ? '' : '(warm-up)';
        const client = s.name !== 'serve' ? '' : `${newClientLags.length ? ` · client max ${seconds(Math.max(...newClientLags))}` : ''} · view.get max ${seconds(percentile(newViewTimes, 100))}`;
        console.log(
          `  ${(i === 0 ? clock(elapsed) : '').padEnd(6)} ${(i === 0 ? loadAverage() : '').padStart(5)} ${s.name.padEnd(7)} ${mib(taken.heap).padStart(8)} ${mib(taken.rss).padStart(8)} ${String(taken.fds).padStart(4)} ${`${cpu.toFixed(0)}%`.padStart(5)}  ${`${mib(taken.dbBytes).padStart(7)} ${predicted}`.padEnd(19)} ${flowsPerSecond.toFixed(0).padStart(7)}  ${seconds(percentile(lags, 95))} / ${seconds(percentile(lags, 100))}${client}`,
        );
      }
      sample = { at: now, cpu: samples.map((list) => list.at(-1)!.cpuSeconds), flows: watches.map((w) => w.flows) };
    }
    running = false;
    timers.forEach(clearInterval);
    const relayRate = ((relaySent - relayAtStart) * 1000) / (Date.now() - churn.startedAt);

    // ---- the summary: the first sample after warm-up against the last ----
    const firstWarm = samples[0].findIndex((s) => s.at - churn!.startedAt >= warmUpMs);
    console.log(`\n  after warm-up (${clock(warmUpMs)} to ${clock(durationMs)}); targets from issue 13`);
    if (firstWarm < 0 || firstWarm === samples[0].length - 1) console.log('  (too short a run: no two samples after warm-up; run longer)');
    const each = (format: (list: Sample[], i: number) => string) => strata.map((s, i) => `${s.name} ${format(samples[i].slice(Math.max(0, firstWarm)), i)}`).join(';  ');
    line('heap drift (after a full GC)', `${each((l) => `${percent(l[0].heap, l.at(-1)!.heap)} (${mib(l[0].heap)} → ${mib(l.at(-1)!.heap)} MiB, max ${mib(Math.max(...l.map((s) => s.heap)))})`)}   (target: flat within 10%)`);
    line('RSS drift', `${each((l) => `${percent(l[0].rss, l.at(-1)!.rss)} (${mib(l[0].rss)} → ${mib(l.at(-1)!.rss)} MiB)`)}   (target: flat within 10%)`);
    line('open file descriptors', `${each((l) => `${l[0].fds} → ${l.at(-1)!.fds} (max ${Math.max(...l.map((s) => s.fds))})`)}   (target: no growth)`);
    line('lag to the recording, p95 / max', `${each((_, i) => `${seconds(percentile(lagsAfterWarmUp[i], 95))} / ${seconds(percentile(lagsAfterWarmUp[i], 100))} s (${lagsAfterWarmUp[i].length} changes)`)}   (target: < 1 s)`);
    const clientAfterWarmUp = clientLags.filter((c) => c.at - churn!.startedAt >= warmUpMs).map((c) => c.lag);
    line('lag to a serve client, p95 / max', `${seconds(percentile(clientAfterWarmUp, 95))} / ${seconds(percentile(clientAfterWarmUp, 100))} s (${clientAfterWarmUp.length} probes; ${clientMissed} in the whole run not seen within 15 s: overwritten, about 1 s after it was made, before a view came)   (target: < 1 s)`);
    const viewAfterWarmUp = viewTimes.filter((v) => v.at - churn!.startedAt >= warmUpMs).map((v) => v.ms);
    line('view.get answered in, p95 / max', `${seconds(percentile(viewAfterWarmUp, 95))} / ${seconds(percentile(viewAfterWarmUp, 100))} s (${viewAfterWarmUp.length} views)`);
    line('database size, predicted', each((l, i) => (predictions[i] ? `${mib(l.at(-1)!.dbBytes)} MiB, predicted ${mib(predictions[i](l.at(-1)!.at))} (×${(l.at(-1)!.dbBytes / predictions[i](l.at(-1)!.at)).toFixed(2)}); ${mib(watches[i].diskBytes())} MiB on disk with the WAL` : 'no prediction (no sample after warm-up)')));
    line('flows counted into the recording', `${each((l) => `${((l.at(-1)!.flows - l[0].flows) / ((l.at(-1)!.at - l[0].at) / 1000)).toFixed(0)}/s`)}   (the Relay double sent ${relayRate.toFixed(0)}/s to each)`);
    watches.forEach((w) => w.close());
    serveSocket.socket.close();
    for (const s of strata) s.inspector.socket.close();
    await Promise.all(strata.map((s) => s.launched.stop()));
    const churned = (await Promise.race([churnDone, sleep(30_000).then(() => ({ error: 'no answer within 30 s' }))])) as Record<string, unknown>;
    line('churn at the double', churned.error ? String(churned.error) : `${churned.events} events at ${churned.rate}/s; at most ${churned.worstBacklog} events (${seconds((Number(churned.worstBacklog) * 1000) / CHANGES_PER_SECOND)} s) behind its schedule, which the lags include`);
    const said = strata.flatMap((s) => s.launched.lines.filter((l) => !NOISE.test(l)).map((l) => `${s.name}: ${l}`));
    if (said.length) console.log(`  the app said:\n${said.slice(0, 12).map((l) => `    ${l}`).join('\n')}`);
  } finally {
    running = false;
    timers.forEach(clearInterval);
    watches.forEach((w) => w.close());
    serveSocket?.socket.close();
    for (const s of strata) s.inspector.socket.close();
    await Promise.all([...strata.map((s) => s.launched.stop()), relay.stop(), double.stop()]);
    if (process.env.STRATA_SOAK_KEEP) console.log(`  the recordings are kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Output lines that say nothing about the run: the inspector's, progress and start-up lines. */
const NOISE = /^(Debugger (listening|attached|ending)|For help, see|Waiting for the debugger|strata: recording context|Strata is serving|Open |Press Ctrl\+C)|^(connecting|synced|resyncing)\b.* · \d+ objects · /;
