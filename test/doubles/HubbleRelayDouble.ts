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

/**
 * A Hubble Relay test double over real gRPC (not a real Relay): ServerStatus, and GetFlows as a
 * server stream that replays the scripted responses since the requested time and then follows
 * new ones. Tests can drop every open stream, as a Relay restart would.
 */
export class HubbleRelayDouble {
  readonly requests: RecordedGetFlows[] = [];
  private readonly history: RelayResponse[] = [];
  private readonly streams = new Set<ServerWritableStream<unknown, unknown>>();
  /** `127.0.0.1:<port>`, once started. */
  address = '';

  private constructor(private readonly server: Server) {}

  /**
   * With `tls`, the double serves TLS as Relay does with `relay.tls.server.enabled`, and with
   * `requireClientCert` it demands a client certificate signed by `tls.ca` (mTLS).
   */
  static async start(options: { version?: string; nodes?: number; tls?: { ca: string; cert: string; key: string; requireClientCert?: boolean } } = {}): Promise<HubbleRelayDouble> {
    const server = new Server();
    const Observer = loadObserverService();
    const double = new HubbleRelayDouble(server);
    // Responses may also be pushed already encoded (a Buffer), so a load test measures Strata, not the double.
    const getFlows = Observer.service.GetFlows;
    const service = { ...Observer.service, GetFlows: { ...getFlows, responseSerialize: (value: unknown) => (Buffer.isBuffer(value) ? value : getFlows.responseSerialize(value)) } };
    server.addService(service, {
      ServerStatus: (_call: unknown, callback: (error: null, response: unknown) => void) =>
        callback(null, { version: options.version ?? 'v1.17.2', num_connected_nodes: { value: options.nodes ?? 3 }, num_unavailable_nodes: { value: 0 }, num_flows: String(double.history.length) }),
      GetFlows: (call: ServerWritableStream<{ follow?: boolean; since?: { seconds?: string; nanos?: number } }, unknown>) => double.getFlows(call),
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', serverCredentials(options.tls), (error, bound) => (error ? reject(error) : resolve(bound))));
    double.address = `127.0.0.1:${port}`;
    return double;
  }

  private getFlows(call: ServerWritableStream<{ follow?: boolean; since?: { seconds?: string; nanos?: number } }, unknown>): void {
    const since = ms(call.request.since);
    this.requests.push({ follow: call.request.follow === true, ...(since !== undefined ? { since } : {}) });
    for (const response of this.history) if (since === undefined || Buffer.isBuffer(response) || (ms(response.time) ?? 0) >= since) call.write(response);
    if (!call.request.follow) return void call.end();
    this.streams.add(call);
    call.on('cancelled', () => this.streams.delete(call));
    call.on('close', () => this.streams.delete(call));
  }

  /** Adds responses to the history and sends them to every open stream. */
  push(...responses: RelayResponse[]): void {
    for (const response of responses) {
      this.history.push(response);
      for (const stream of this.streams) stream.write(response);
    }
  }

  /** Sends to every open stream without keeping it (a load test's millions of flows). */
  broadcast(response: RelayResponse): void {
    for (const stream of this.streams) stream.write(response);
  }

  /** Adds responses to the history only, as if they happened while nobody was connected. */
  record(...responses: RelayResponse[]): void {
    this.history.push(...responses);
  }

  /** Ends every open GetFlows stream with UNAVAILABLE. */
  dropStreams(): void {
    // An 'error' on a grpc-js server stream ends the call with that status, as a Relay restart would.
    for (const stream of this.streams) stream.emit('error', Object.assign(new Error('relay restarting'), { code: status.UNAVAILABLE, details: 'relay restarting' }));
    this.streams.clear();
  }

  get openStreams(): number {
    return this.streams.size;
  }

  async close(): Promise<void> {
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
