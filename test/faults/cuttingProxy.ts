import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that can cut every connection through it, at once or once a given
 * number of bytes from the server has passed: a network drop in the middle of a message.
 */
export class CuttingProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  /** Cut once this many more bytes have come from the server (undefined: not armed). */
  private cutIn?: number;
  /** Bytes from the server that were passed on, and connections cut, in all. */
  bytesFromServer = 0;
  cuts = 0;

  private constructor(private readonly server: Server) {}

  static async start(targetPort: number): Promise<CuttingProxy> {
    const server = createServer();
    const proxy = new CuttingProxy(server);
    server.on('connection', (client) => proxy.pipe(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get connections(): number {
    return this.pairs.size;
  }

  private pipe(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const close = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on('error', close);
      socket.on('close', close);
    }
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (this.cutIn !== undefined && chunk.length >= this.cutIn) {
        // Pass on part of the chunk, then drop the connection: the client sees half a message.
        client.write(chunk.subarray(0, this.cutIn));
        this.bytesFromServer += this.cutIn;
        this.cutIn = undefined;
        this.cutAll();
        return;
      }
      if (this.cutIn !== undefined) this.cutIn -= chunk.length;
      this.bytesFromServer += chunk.length;
      client.write(chunk);
    });
  }

  /** Cuts every connection once `bytes` more bytes have come from the server. */
  cutAfter(bytes: number): void {
    this.cutIn = bytes;
  }

  /** Cuts every connection now, without a close handshake (a reset, as a dropped network does). */
  cutAll(): void {
    for (const [client, upstream] of [...this.pairs]) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.cuts++;
  }

  async close(): Promise<void> {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
