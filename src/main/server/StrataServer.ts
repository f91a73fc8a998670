import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../../shared/contract';
import { ContractError, isRequestName, validateParams } from '../../shared/contract';
import type { StrataBackend } from '../backend/StrataBackend';
import { readStaticFile } from './staticFiles';
import { allowedHostHeaders, TransportGuard } from './transportGuard';

export const WEBSOCKET_PATH = '/api/ws';

/**
 * The largest WebSocket message a client may send. Requests are small JSON; the biggest is a
 * pasted what-if policy, far below this. A bigger message closes that client's socket with 1009
 * (message too big) instead of being buffered.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The renderer's CSP in serve mode: only this origin, WebSocket included. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export interface ServeOptions {
  backend: StrataBackend;
  /** The built renderer (`out/renderer`). */
  rendererDir: string;
  host?: string;
  port?: number;
  /** Fixed only in tests; a random one is made per run otherwise. */
  token?: string;
}

export interface RunningServer {
  url: string;
  /** The URL to open: carries the token. */
  openUrl: string;
  token: string;
  close(): Promise<void>;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
}

/**
 * Serve mode: the built renderer over HTTP and the contract over a WebSocket, on 127.0.0.1 unless
 * told otherwise. Each request is answered by the same handlers as Electron IPC.
 */
export async function startStrataServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const { backend } = options;

  const http = createServer((request, response) => void serveHttp(request, response));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!guard.hostAllowed(request)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('Host not allowed');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const file = await readStaticFile(options.rendererDir, path);
    if (!file) {
      const missingUi = path === '/' ? 'The Strata UI is not built; run npm run build.' : 'Not found';
      response.writeHead(path === '/' ? 503 : 404, { 'content-type': 'text/plain' }).end(missingUi);
      return;
    }
    response.writeHead(200, {
      'content-type': file.contentType,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  http.on('upgrade', (request, socket, head) => {
    // Node leaves an upgrading socket without an 'error' listener; a client that resets it must not
    // end the server. ws puts its own listener on the sockets it accepts.
    const destroy = () => socket.destroy();
    socket.on('error', destroy);
    const url = new URL(request.url ?? '/', 'http://x');
    if (!guard.hostAllowed(request)) return refuse(socket, 403, 'Host not allowed');
    if (!guard.originAllowed(request)) return refuse(socket, 403, 'Origin not allowed');
    if (url.pathname !== WEBSOCKET_PATH) return refuse(socket, 404, 'Not found');
    if (!guard.tokenValid(url.searchParams.get('token'))) return refuse(socket, 401, 'Token missing or wrong');
    socket.off('error', destroy);
    sockets.handleUpgrade(request, socket, head, (ws) => serveContract(ws));
  });

  function serveContract(ws: WebSocket): void {
    const send = (message: ServerMessage) => ws.send(JSON.stringify(message));
    const unsubscribe = backend.subscribe((name, payload) => send({ type: 'event', name, payload }));
    ws.on('close', unsubscribe);
    // ws has already started closing this socket (1009 for a message over MAX_MESSAGE_BYTES, 1002 for
    // a protocol error); without a listener the error would end the whole server.
    ws.on('error', (error) => console.error(`strata: closed a WebSocket client: ${error.message}`));
    ws.on('message', async (data) => {
      let message: ClientMessage;
      try {
        message = JSON.parse(data.toString()) as ClientMessage;
      } catch {
        ws.close(1003, 'messages must be JSON');
        return;
      }
      if (message?.type !== 'request' || typeof message.id !== 'number') {
        ws.close(1003, 'expected a request');
        return;
      }
      try {
        if (!isRequestName(message.name)) throw new ContractError(`unknown request ${JSON.stringify(message.name)}`);
        const handler = backend.handlers[message.name] as (params: unknown) => Promise<unknown>;
        const result = await handler(validateParams(message.name, message.params));
        send({ type: 'response', id: message.id, result });
      } catch (error) {
        // Internal failures are logged here; the client gets a sentence, never a stack or a path.
        if (!(error instanceof ContractError)) console.error(error);
        const text = error instanceof ContractError ? error.message : `${message.name} failed inside Strata; see the terminal that runs strata serve`;
        send({ type: 'response', id: message.id, error: { message: text } });
      }
    });
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  // Made once the port is known; no request can arrive before this line runs.
  const { port } = http.address() as AddressInfo;
  const guard = new TransportGuard(token, allowedHostHeaders(host, port));
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}/`;

  return {
    url,
    openUrl: `${url}?token=${token}`,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
