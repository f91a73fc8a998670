import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';

/** Where a pod's forwarded port really goes, in tests: a server on this machine. */
export interface ForwardTarget {
  host: string;
  port: number;
}

const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/;

export function portForwardRoute(pathname: string): { namespace: string; pod: string } | undefined {
  const match = PATH.exec(pathname);
  return match ? { namespace: decodeURIComponent(match[1]), pod: decodeURIComponent(match[2]) } : undefined;
}

/**
 * The pods/portforward subresource over WebSocket, as kube-apiserver serves it with the
 * `v4.channel.k8s.io` subprotocol: every binary message starts with its stream number (0 data,
 * 1 errors, for the one port), and each stream opens with the port as two little-endian bytes.
 */
export class PortForwardEndpoint {
  private readonly sockets = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: ForwardTarget, port: number): void {
    this.sockets.handleUpgrade(req, socket, head, (ws) => {
      const portBytes = Buffer.from([port & 0xff, port >> 8]);
      ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
      ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
      const upstream = connect(target.port, target.host);
      const pending: Buffer[] = [];
      let connected = false;
      upstream.on('connect', () => {
        connected = true;
        for (const chunk of pending.splice(0)) upstream.write(chunk);
      });
      upstream.on('data', (data) => ws.send(Buffer.concat([Buffer.from([0]), data])));
      upstream.on('close', () => ws.close());
      upstream.on('error', (error) => {
        ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port}: ${error.message}`)]));
        ws.close();
      });
      ws.on('message', (data: Buffer) => {
        // The client's first data message may carry the port header too; only stream 0 is data.
        if (data[0] !== 0 || data.length <= 1) return;
        const payload = data.subarray(1);
        if (connected) upstream.write(payload);
        else pending.push(payload);
      });
      ws.on('close', () => upstream.destroy());
    });
  }

  /** Breaks every open forward (a server restart); new ones can still be opened. */
  disconnect(): void {
    for (const client of this.sockets.clients) client.terminate();
  }

  close(): void {
    this.disconnect();
    this.sockets.close();
  }
}
