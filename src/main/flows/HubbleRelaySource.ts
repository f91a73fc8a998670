import { readFileSync } from 'node:fs';
import { credentials, Metadata, status as grpcStatus, type ChannelCredentials, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import type { FlowRecord } from '../../shared/flows';
import { Backoff, sleep } from '../cluster/backoff';
import type { FlowSource, FlowSourceListener } from './FlowSource';
import { loadObserverService } from './hubbleProto';
import { decodeFlowResponse } from './hubbleWire';

export interface HubbleTls {
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
}

export interface HubbleRelayOptions {
  /** `host:port` of Hubble Relay (4245 when port-forwarded). */
  address: string;
  tls?: HubbleTls;
  /** Flows are asked for from this moment on; later reconnects resume from the newest flow handed on. */
  since?: Date;
  backoff?: Backoff;
  /** Flows are handed on in batches at least this often. */
  flushMs?: number;
  /** How often an open stream is checked for a stall against Relay's own count of flows seen. */
  stallCheckMs?: number;
  /**
   * A resumed stream starts this long before the newest flow handed on, to catch flows that were
   * still on their way, out of order (Relay sorts the nodes' flows only within a short window).
   * Flows handed on already are skipped either way. Default 0: from the newest flow's moment.
   */
  resumeOverlapMs?: number;
}

/** Flows handed on are remembered by slices of their time, so that old ones are forgotten a slice at a time. */
const SLICE_MS = 250;

/**
 * The flows handed on lately, by key, so that a resumed stream (which starts a little before the
 * newest flow, for flows still on their way then) repeats none of them.
 */
class HandedOnFlows {
  private readonly slices = new Map<number, Set<string>>();
  /** The newest flow time handed on (flows can arrive out of order, so this is a maximum). */
  newest?: number;

  constructor(private readonly overlapMs: number) {}

  add(time: number, key: string): void {
    const slice = time - (time % SLICE_MS);
    let keys = this.slices.get(slice);
    if (!keys) this.slices.set(slice, (keys = new Set()));
    keys.add(key);
    if (this.newest === undefined || time > this.newest) this.newest = time;
  }

  has(time: number, key: string): boolean {
    return this.slices.get(time - (time % SLICE_MS))?.has(key) ?? false;
  }

  /** Forgets what a resumed stream can no longer repeat. */
  prune(): void {
    if (this.newest === undefined) return;
    const horizon = this.newest - this.overlapMs - SLICE_MS;
    for (const slice of this.slices.keys()) if (slice < horizon) this.slices.delete(slice);
  }

  /** Where a resumed stream starts. */
  resumeFrom(): number | undefined {
    return this.newest === undefined ? undefined : this.newest - this.overlapMs;
  }
}

/** A stream that stays open and delivers nothing while Relay sees flows, or a Relay that stops answering. */
class StalledStream extends Error {
  constructor(
    message: string,
    /** When flows stopped arriving: the newest flow's time, or when the stream opened. */
    readonly since: number,
  ) {
    super(message);
  }
}

type ObserverClient = {
  makeServerStreamRequest(method: string, serialize: (value: unknown) => Buffer, deserialize: (bytes: Buffer) => Buffer, argument: unknown, metadata: Metadata): ClientReadableStream<Buffer>;
  ServerStatus(request: unknown, metadata: Metadata, options: { deadline: number }, callback: (error: ServiceError | null, response: Record<string, unknown>) => void): void;
  close(): void;
};

function channelCredentials(tls: HubbleTls | undefined): { creds: ChannelCredentials; options: Record<string, string> } {
  if (!tls) return { creds: credentials.createInsecure(), options: {} };
  const read = (path?: string) => (path ? readFileSync(path) : null);
  return {
    creds: credentials.createSsl(read(tls.ca), read(tls.key), read(tls.cert)),
    options: tls.serverName ? { 'grpc.ssl_target_name_override': tls.serverName } : {},
  };
}

/**
 * Hubble Relay over gRPC: ServerStatus for the version and nodes, then GetFlows with follow and
 * since. A dropped stream is resumed from the last flows seen (flows already handed on are not
 * repeated), with backoff, and the interruption is reported as a gap. A stream can also stall:
 * stay open and send nothing. Relay's ServerStatus counts the flows it has seen, so a stream that
 * brings nothing while that count grows (or a Relay that no longer answers) is given up and resumed.
 */
export class HubbleRelaySource implements FlowSource {
  readonly label: string;
  private client?: ObserverClient;
  private stream?: ClientReadableStream<Buffer>;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private readonly handedOn: HandedOnFlows;
  /** Messages that could not be read since the last notice about them; one notice a minute at most. */
  private unreadableFrames = { count: 0, noticedAt: 0 };

  constructor(private readonly options: HubbleRelayOptions) {
    this.label = `Hubble Relay ${options.address}`;
    this.handedOn = new HandedOnFlows(options.resumeOverlapMs ?? 0);
  }

  private decodeGeneric?: (bytes: Buffer) => unknown;
  private encodeRequest?: (value: unknown) => Buffer;

  /** A message the Relay sent that is not a GetFlowsResponse: skipped, counted, and said, since the traffic shown misses it. */
  private unreadable(reason: string, listener: FlowSourceListener): void {
    const frames = this.unreadableFrames;
    frames.count += 1;
    const now = Date.now();
    if (now - frames.noticedAt < 60_000) return;
    listener.notice({ t: now, kind: 'lost-events', message: `${this.label} sent ${frames.count} message${frames.count === 1 ? '' : 's'} Strata could not read (${reason}): the traffic shown is incomplete.` });
    this.unreadableFrames = { count: 0, noticedAt: now };
  }

  async start(listener: FlowSourceListener): Promise<void> {
    const Observer = loadObserverService();
    this.decodeGeneric = Observer.service.GetFlows.responseDeserialize;
    this.encodeRequest = Observer.service.GetFlows.requestSerialize;
    const { creds, options } = channelCredentials(this.options.tls);
    this.client = new Observer(this.options.address, creds, options) as unknown as ObserverClient;
    listener.status({ state: 'connecting', message: `Connecting to ${this.label}…` });
    this.loop = this.run(listener);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.stream?.cancel();
    await this.loop;
    this.client?.close();
  }

  private serverStatus(deadlineMs = 5000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => this.client!.ServerStatus({}, new Metadata(), { deadline: Date.now() + deadlineMs }, (error, response) => (error ? reject(error) : resolve(response))));
  }

  private async run(listener: FlowSourceListener): Promise<void> {
    const backoff = this.options.backoff ?? new Backoff(500, 15_000);
    let lost: { at: number; how: 'was lost' | 'stalled' } | undefined;
    while (!this.abort.signal.aborted) {
      try {
        const status = await this.serverStatus();
        const nodes = (status.num_connected_nodes as { value?: number } | undefined)?.value;
        const unavailable = (status.unavailable_nodes as string[] | undefined) ?? [];
        listener.status({ state: 'streaming', message: `${this.label}: Hubble ${String(status.version ?? '?')}${nodes !== undefined ? `, ${nodes} nodes` : ''}${unavailable.length ? `, unavailable: ${unavailable.join(', ')}` : ''}` });
        const now = Date.now();
        if (lost !== undefined) listener.notice({ t: now, kind: 'connection', message: `No flows from ${new Date(lost.at).toISOString()} to ${new Date(now).toISOString()}: the Hubble Relay stream ${lost.how}.` });
        lost = undefined;
        await this.follow(listener, Number(status.seen_flows ?? 0), () => backoff.reset());
      } catch (error) {
        if (this.abort.signal.aborted) return;
        lost ??= error instanceof StalledStream ? { at: error.since, how: 'stalled' } : { at: Date.now(), how: 'was lost' };
        listener.status({ state: 'reconnecting', message: `${this.label}: ${(error as ServiceError).details || (error as Error).message}; retrying.` });
        await sleep(backoff.next(), this.abort.signal);
      }
    }
  }

  /** One GetFlows stream, until it ends or fails (or stalls). */
  private follow(listener: FlowSourceListener, seenAtOpen: number, onData: () => void): Promise<void> {
    const resumeFrom = this.handedOn.resumeFrom();
    const since = resumeFrom !== undefined ? new Date(resumeFrom) : (this.options.since ?? new Date());
    const request = { follow: true, since: { seconds: String(Math.floor(since.getTime() / 1000)), nanos: (since.getTime() % 1000) * 1e6 } };
    // Raw bytes, read by the hot-path reader; rare messages (node status, lost events) take the generic decoder.
    const stream = this.client!.makeServerStreamRequest('/observer.Observer/GetFlows', this.encodeRequest!, (bytes) => bytes, request, new Metadata());
    this.stream = stream;
    // Flows up to the newest handed on may come again: those already handed on are skipped.
    const replayedUpTo = this.handedOn.newest;
    const openedAt = Date.now();
    let batch: FlowRecord[] = [];
    let received = 0;
    const flush = () => {
      this.handedOn.prune();
      if (batch.length === 0) return;
      listener.flows(batch);
      batch = [];
    };
    const timer = setInterval(flush, this.options.flushMs ?? 100);
    return new Promise<void>((resolve, reject) => {
      let stalled: StalledStream | undefined;
      const stall = (reason: string) => {
        stalled ??= new StalledStream(reason, this.handedOn.newest ?? openedAt);
        stream.cancel();
      };
      const watchdog = this.watchStall(seenAtOpen, () => received, stall);
      const done = () => {
        clearInterval(timer);
        clearInterval(watchdog);
        flush();
      };
      stream.on('data', (bytes: Buffer) => {
        if (received++ === 0) onData();
        const result = decodeFlowResponse(bytes, this.decodeGeneric!);
        if ('notice' in result) return listener.notice(result.notice);
        if ('malformed' in result) return this.unreadable(result.skip, listener);
        if (!('flow' in result)) return;
        const flow = result.flow;
        const key = flow.uuid ?? `${flow.time}|${flow.source.ip}:${flow.sourcePort}|${flow.destination.ip}:${flow.destinationPort}|${flow.verdict}`;
        if (replayedUpTo !== undefined && flow.time <= replayedUpTo && this.handedOn.has(flow.time, key)) return;
        this.handedOn.add(flow.time, key);
        batch.push(flow);
        if (batch.length >= 5000) flush();
      });
      stream.on('error', (error) => {
        done();
        if (this.abort.signal.aborted) resolve();
        else reject(stalled ?? error);
      });
      stream.on('end', () => {
        done();
        resolve();
      });
    });
  }

  /**
   * Every stallCheckMs, asks Relay how many flows it has seen (`seen_flows`). Relay hands flows on
   * within its sort window, far shorter than an interval, so when it saw flows in one interval and
   * nothing at all arrived over that interval and the next, the stream is stuck. (A busy consumer
   * gets fewer flows than Relay saw, but never none; a resumed stream's replay arriving in the same
   * intervals can hide a stall until Relay sees more flows.) Relay not answering is a stall too.
   */
  private watchStall(seenAtOpen: number, received: () => number, stall: (reason: string) => void): NodeJS.Timeout {
    const every = this.options.stallCheckMs ?? 10_000;
    const checks = [{ seen: seenAtOpen, received: 0 }];
    let asking = false;
    const timer = setInterval(() => {
      if (asking) return;
      asking = true;
      // A busy Relay (or machine) may answer slowly; only a Relay that hangs misses this deadline.
      this.serverStatus(Math.max(every, 5000)).then(
        (answer) => {
          asking = false;
          checks.push({ seen: Number(answer.seen_flows ?? 0), received: received() });
          if (checks.length > 3) checks.shift();
          const [before, middle, now] = checks;
          if (!now) return;
          const seen = middle.seen - before.seen;
          const arrived = now.received - before.received;
          if (seen > 0 && arrived === 0) stall(`the flow stream stalled: Relay saw ${seen} new flows, none arrived in ${(2 * every) / 1000} s`);
        },
        (error: ServiceError) => {
          asking = false;
          // Other failures (a connection that went away) end the stream by themselves.
          if (error.code === grpcStatus.DEADLINE_EXCEEDED) stall(`Relay stopped answering (${error.details || error.message})`);
        },
      );
    }, every);
    timer.unref?.();
    return timer;
  }
}
