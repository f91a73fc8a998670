import { readFileSync } from 'node:fs';
import { credentials, Metadata, type ChannelCredentials, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { normalizeFlowResponse } from '../../core/flows/normalizeFlow';
import type { FlowRecord } from '../../shared/flows';
import { Backoff, sleep } from '../cluster/backoff';
import type { FlowSource, FlowSourceListener } from './FlowSource';
import { loadObserverService } from './hubbleProto';
import { readFlowResponse } from './hubbleWire';

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
  /** Flows are asked for from this moment on; later reconnects resume from the last flow seen. */
  since?: Date;
  backoff?: Backoff;
  /** Flows are handed on in batches at least this often. */
  flushMs?: number;
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
 * since. A dropped stream is resumed from the last flow seen (flows already handed on are not
 * repeated), with backoff, and the interruption is reported as a gap.
 */
export class HubbleRelaySource implements FlowSource {
  readonly label: string;
  private client?: ObserverClient;
  private stream?: ClientReadableStream<Buffer>;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private lastTime?: number;
  private lastAtTime = new Set<string>();

  constructor(private readonly options: HubbleRelayOptions) {
    this.label = `Hubble Relay ${options.address}`;
  }

  private decodeGeneric?: (bytes: Buffer) => unknown;
  private encodeRequest?: (value: unknown) => Buffer;

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

  private serverStatus(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => this.client!.ServerStatus({}, new Metadata(), { deadline: Date.now() + 5000 }, (error, response) => (error ? reject(error) : resolve(response))));
  }

  private async run(listener: FlowSourceListener): Promise<void> {
    const backoff = this.options.backoff ?? new Backoff(500, 15_000);
    let lostAt: number | undefined;
    while (!this.abort.signal.aborted) {
      try {
        const status = await this.serverStatus();
        const nodes = (status.num_connected_nodes as { value?: number } | undefined)?.value;
        const unavailable = (status.unavailable_nodes as string[] | undefined) ?? [];
        listener.status({ state: 'streaming', message: `${this.label}: Hubble ${String(status.version ?? '?')}${nodes !== undefined ? `, ${nodes} nodes` : ''}${unavailable.length ? `, unavailable: ${unavailable.join(', ')}` : ''}` });
        if (lostAt !== undefined) listener.notice({ t: Date.now(), kind: 'connection', message: `No flows from ${new Date(lostAt).toISOString()} to ${new Date().toISOString()}: the Hubble Relay stream was lost.` });
        lostAt = undefined;
        await this.follow(listener, () => backoff.reset());
      } catch (error) {
        if (this.abort.signal.aborted) return;
        lostAt ??= Date.now();
        listener.status({ state: 'reconnecting', message: `${this.label}: ${(error as ServiceError).details || (error as Error).message}; retrying.` });
        await sleep(backoff.next(), this.abort.signal);
      }
    }
  }

  /** One GetFlows stream, until it ends or fails. */
  private follow(listener: FlowSourceListener, onData: () => void): Promise<void> {
    const since = this.lastTime !== undefined ? new Date(this.lastTime) : (this.options.since ?? new Date());
    const request = { follow: true, since: { seconds: String(Math.floor(since.getTime() / 1000)), nanos: (since.getTime() % 1000) * 1e6 } };
    // Raw bytes, read by the hot-path reader; rare messages (node status, lost events) take the generic decoder.
    const stream = this.client!.makeServerStreamRequest('/observer.Observer/GetFlows', this.encodeRequest!, (bytes) => bytes, request, new Metadata());
    this.stream = stream;
    const resumeFrom = this.lastTime;
    const handedOn = this.lastAtTime;
    let batch: FlowRecord[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      listener.flows(batch);
      batch = [];
    };
    const timer = setInterval(flush, this.options.flushMs ?? 100);
    return new Promise<void>((resolve, reject) => {
      let first = true;
      stream.on('data', (bytes: Buffer) => {
        if (first) {
          first = false;
          onData();
        }
        const result = readFlowResponse(bytes) ?? normalizeFlowResponse(this.decodeGeneric!(bytes));
        if ('notice' in result) return listener.notice(result.notice);
        if (!('flow' in result)) return;
        const flow = result.flow;
        // Resuming from `since` repeats the flows of that very moment: those already handed on are skipped.
        const key = flow.uuid ?? `${flow.time}|${flow.source.ip}:${flow.sourcePort}|${flow.destination.ip}:${flow.destinationPort}|${flow.verdict}`;
        if (resumeFrom !== undefined && flow.time <= resumeFrom && (flow.time < resumeFrom || handedOn.has(key))) return;
        if (flow.time !== this.lastTime) this.lastAtTime = new Set();
        this.lastTime = flow.time;
        this.lastAtTime.add(key);
        batch.push(flow);
        if (batch.length >= 5000) flush();
      });
      stream.on('error', (error) => {
        clearInterval(timer);
        flush();
        if (this.abort.signal.aborted) resolve();
        else reject(error);
      });
      stream.on('end', () => {
        clearInterval(timer);
        flush();
        resolve();
      });
    });
  }
}
