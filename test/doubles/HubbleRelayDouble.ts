import { Server, ServerCredentials, status, type ServerWritableStream } from '@grpc/grpc-js';
import { loadObserverService } from '../../src/main/flows/hubbleProto';

/** A GetFlowsResponse as the proto (with proto field names) has it: `{ flow }`, `{ node_status }` or `{ lost_events }`; or its encoded bytes. */
export type RelayResponse = (Record<string, unknown> & { time?: { seconds: string; nanos: number } }) | Buffer;

export interface RecordedGetFlows {
  follow: boolean;
  /** `since`, in milliseconds. */
  since?: number;
}

const ms = (t?: { seconds?: string | number; nanos?: number }) => (t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : undefined);

/** A Timestamp for `t` milliseconds. */
export const timestamp = (t: number) => ({ seconds: String(Math.floor(t / 1000)), nanos: (t % 1000) * 1e6 });

function serverCredentials(tls?: { ca: string; cert: string; key: string; requireClientCert?: boolean }): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(Buffer.from(tls.ca), [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }], tls.requireClientCert === true);
}

export interface HubbleRelayDoubleOptions {
  version?: string;
  nodes?: number;
  /**
   * With `tls`, the double serves TLS as Relay does with `relay.tls.server.enabled`, and with
   * `requireClientCert` it demands a client certificate signed by `tls.ca` (mTLS).
   */
  tls?: { ca: string; cert: string; key: string; requireClientCert?: boolean };
}

/**
 * A Hubble Relay test double over real gRPC (not a real Relay): ServerStatus, and GetFlows as a
 * server stream that replays the scripted responses since the requested time and then follows
 * new ones. Scripted faults: drop every open stream, restart (the port refuses while down; the
 * flows, kept by the Hubble servers on the nodes, survive), and stall the open streams (they stay
 * open and send nothing, while ServerStatus goes on counting the flows seen).
 */
export class HubbleRelayDouble {
  readonly requests: RecordedGetFlows[] = [];
  private readonly history: RelayResponse[] = [];
  private readonly streams = new Set<ServerWritableStream<unknown, unknown>>();
  private readonly stalled = new Set<ServerWritableStream<unknown, unknown>>();
  /** Every flow response the nodes saw (history and broadcasts): ServerStatus's seen_flows. */
  private seen = 0;
  /** ServerStatus calls answered so far. */
  statusCalls = 0;
  /** ServerStatus calls held unanswered while frozen, answered on thaw(). */
  private frozen?: (() => void)[];
  private server!: Server;
  private port = 0;
  /** `127.0.0.1:<port>`, once started. */
  address = '';

  private constructor(private readonly options: HubbleRelayDoubleOptions) {}

  static async start(options: HubbleRelayDoubleOptions = {}): Promise<HubbleRelayDouble> {
    const double = new HubbleRelayDouble(options);
    await double.listen();
    return double;
  }

  private async listen(): Promise<void> {
    const server = new Server();
    const Observer = loadObserverService();
    // Responses may also be pushed already encoded (a Buffer), so a load test measures Strata, not the double.
    const getFlows = Observer.service.GetFlows;
    const service = { ...Observer.service, GetFlows: { ...getFlows, responseSerialize: (value: unknown) => (Buffer.isBuffer(value) ? value : getFlows.responseSerialize(value)) } };
    server.addService(service, {
      ServerStatus: (_call: unknown, callback: (error: null, response: unknown) => void) => {
        const answer = () => {
          this.statusCalls++;
          callback(null, this.serverStatus());
        };
        if (this.frozen) this.frozen.push(answer);
        else answer();
      },
      GetFlows: (call: ServerWritableStream<{ follow?: boolean; since?: { seconds?: string; nanos?: number } }, unknown>) => this.getFlows(call),
    });
    this.port = await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${this.port}`, serverCredentials(this.options.tls), (error, bound) => (error ? reject(error) : resolve(bound))));
    this.server = server;
    this.address = `127.0.0.1:${this.port}`;
  }

  private serverStatus() {
    const { version = 'v1.17.2', nodes = 3 } = this.options;
    return { version, num_connected_nodes: { value: nodes }, num_unavailable_nodes: { value: 0 }, num_flows: String(this.history.length), seen_flows: String(this.seen) };
  }

  private getFlows(call: ServerWritableStream<{ follow?: boolean; since?: { seconds?: string; nanos?: number } }, unknown>): void {
    const since = ms(call.request.since);
    this.requests.push({ follow: call.request.follow === true, ...(since !== undefined ? { since } : {}) });
    for (const response of this.history) if (since === undefined || Buffer.isBuffer(response) || (ms(response.time) ?? 0) >= since) call.write(response);
    if (!call.request.follow) return void call.end();
    this.streams.add(call);
    const forget = () => {
      this.streams.delete(call);
      this.stalled.delete(call);
    };
    call.on('cancelled', forget);
    call.on('close', forget);
  }

  /** Adds responses to the history and sends them to every open stream. */
  push(...responses: RelayResponse[]): void {
    for (const response of responses) {
      this.history.push(response);
      this.seen++;
      for (const stream of this.streams) if (!this.stalled.has(stream)) stream.write(response);
    }
  }

  /** Sends to every open stream without keeping it (a load test's millions of flows). */
  broadcast(response: RelayResponse): void {
    this.seen++;
    for (const stream of this.streams) if (!this.stalled.has(stream)) stream.write(response);
  }

  /** Adds responses to the history only, as if they happened while nobody was connected. */
  record(...responses: RelayResponse[]): void {
    this.history.push(...responses);
    this.seen += responses.length;
  }

  /** The open streams stay open and send nothing more, ever; streams opened later work. */
  stallStreams(): void {
    for (const stream of this.streams) this.stalled.add(stream);
  }

  /** ServerStatus stops answering too (a Relay that hangs whole); thaw() answers the calls held. */
  freeze(): void {
    this.frozen ??= [];
  }

  thaw(): void {
    const held = this.frozen ?? [];
    this.frozen = undefined;
    for (const answer of held) answer();
  }

  /**
   * The Relay process goes away and comes back on the same port: every connection breaks, and
   * connections are refused until it is back. `whileDown` runs in between (flows the nodes see meanwhile).
   */
  async restart(whileDown: () => void | Promise<void> = () => {}): Promise<void> {
    this.server.forceShutdown();
    this.streams.clear();
    this.stalled.clear();
    await whileDown();
    await this.listen();
  }

  /** Ends every open GetFlows stream with UNAVAILABLE. */
  dropStreams(): void {
    // An 'error' on a grpc-js server stream ends the call with that status, as a Relay restart would.
    for (const stream of this.streams) stream.emit('error', Object.assign(new Error('relay restarting'), { code: status.UNAVAILABLE, details: 'relay restarting' }));
    this.streams.clear();
    this.stalled.clear();
  }

  get openStreams(): number {
    return this.streams.size;
  }

  async close(): Promise<void> {
    this.thaw();
    this.dropStreams();
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

/** A flow response between two endpoints, shaped as Hubble sends it. */
export function relayFlow(t: number, source: Record<string, unknown>, destination: Record<string, unknown>, extra: Record<string, unknown> = {}): RelayResponse {
  return {
    flow: {
      time: timestamp(t),
      verdict: 'FORWARDED',
      IP: { source: source.ip, destination: destination.ip, ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 40000 + (t % 20000), destination_port: 8080 } },
      source: { namespace: source.namespace ?? '', pod_name: source.pod ?? '', identity: source.identity ?? 0, labels: source.labels ?? [] },
      destination: { namespace: destination.namespace ?? '', pod_name: destination.pod ?? '', identity: destination.identity ?? 0, labels: destination.labels ?? [] },
      is_reply: { value: false },
      node_name: 'test/node-1',
      ...extra,
    },
    node_name: 'test/node-1',
    time: timestamp(t),
  };
}
