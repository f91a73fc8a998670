import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { classifyRequestError, errorFromResponse, KubeApiError, type RequestTarget } from './KubeApiError';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

/** A request that goes this long without a byte (connecting, or waiting for an answer) is given up. */
const REQUEST_TIMEOUT_MS = 60_000;

export interface KubeApiClientOptions {
  /** How long a request may go without a byte from the server, until a watch's stream has begun. */
  requestTimeoutMs?: number;
}

/**
 * Read-only access to one context's API server: GET for discovery and lists, streamed GET for
 * watches. Authentication (token, client certificate, exec plugins, OIDC, proxy-url) is
 * client-node's; the requests themselves are plain, so objects can be stripped as they arrive
 * instead of being turned into client-node's model classes first.
 */
export class KubeApiClient {
  readonly target: RequestTarget;
  private readonly requestTimeoutMs: number;
  /** Why a response's connection was cut by us (its timeout), so that reading it fails with that reason. */
  private readonly timedOut = new WeakMap<IncomingMessage, KubeApiError>();

  constructor(
    private readonly config: KubeConfig,
    options: KubeApiClientOptions = {},
  ) {
    const context = config.getContextObject(config.currentContext)!;
    this.target = { server: config.getCluster(context.cluster)!.server.replace(/\/+$/, ''), cluster: context.cluster, user: context.user };
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  private timeoutError(what: string, ms: number): KubeApiError {
    const host = new URL(this.target.server).host;
    const seconds = ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10;
    return new KubeApiError('unreachable', `No answer from ${host} within ${seconds} s (${what}): the server or the network is overloaded or down.`);
  }

  /** A failure while reading a response: our own timeout when we cut it, else what the socket says. */
  private readFailure(response: IncomingMessage, error: NodeJS.ErrnoException): KubeApiError {
    return this.timedOut.get(response) ?? (error instanceof KubeApiError ? error : classifyRequestError(error, this.target));
  }

  private async options(path: string, query: Record<string, string | undefined>): Promise<{ url: URL; options: RequestOptions }> {
    const url = new URL(this.target.server + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    const options: RequestOptions & { headers: Record<string, string> } = { method: 'GET', headers: { accept: 'application/json', 'user-agent': 'strata (read-only topology viewer)' } };
    try {
      await this.config.applyToHTTPSOptions(options);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code) throw classifyRequestError(e, this.target);
      throw new KubeApiError('credential-plugin', `Getting credentials for user "${this.target.user}" failed: ${(e.message || 'no reason given').split('\n')[0]}.`);
    }
    return { url, options };
  }

  /**
   * Sends a GET and resolves with the response once its headers arrive. Until then (connecting,
   * TLS, the server thinking) and while the body is read, the request timeout applies; a watch
   * passes `streamIdleMs` for the quiet stretches of a stream that has begun.
   */
  private open(what: string, path: string, query: Record<string, string | undefined>, signal?: AbortSignal, streamIdleMs?: number): Promise<IncomingMessage> {
    return this.options(path, query).then(
      ({ url, options }) =>
        new Promise<IncomingMessage>((resolve, reject) => {
          const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
          let req: ReturnType<typeof send>;
          let response: IncomingMessage | undefined;
          try {
            req = send(url, { ...options, signal }, (res) => {
              response = res;
              if (streamIdleMs !== undefined) req.setTimeout(streamIdleMs);
              resolve(res);
            });
          } catch (error) {
            // TLS material is checked when the socket is made, synchronously: a key that does not match its certificate throws here.
            reject(classifyRequestError(error as NodeJS.ErrnoException, this.target));
            return;
          }
          req.setTimeout(this.requestTimeoutMs, () => {
            const error = this.timeoutError(what, response ? (streamIdleMs ?? this.requestTimeoutMs) : this.requestTimeoutMs);
            if (response) this.timedOut.set(response, error);
            // Destroying the request closes its connection: a server that never answers holds nothing of ours.
            req.destroy(error);
          });
          req.on('error', (error: NodeJS.ErrnoException) => reject(error.name === 'AbortError' || error instanceof KubeApiError ? error : classifyRequestError(error, this.target)));
          req.end();
        }),
    );
  }

  private async body(response: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of response) chunks.push(chunk as Buffer);
    } catch (error) {
      throw this.readFailure(response, error as NodeJS.ErrnoException);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** GET a JSON document; a non-2xx answer becomes a KubeApiError. */
  async get<T>(path: string, query: Record<string, string | undefined> = {}, signal?: AbortSignal): Promise<T> {
    const response = await this.open(`GET ${path}`, path, query, signal);
    const text = await this.body(response);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw errorFromResponse(status, text, this.target, `GET ${path}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new KubeApiError('protocol', `GET ${path} answered with something that is not JSON; is ${this.target.server} a Kubernetes API server?`);
    }
  }

  /**
   * A watch: calls `onEvent` for each line the server streams, and resolves when the server ends
   * the stream (its timeout). Rejects with a KubeApiError when the connection fails.
   */
  async watch(path: string, query: Record<string, string | undefined>, onEvent: (event: WatchEvent) => void, signal?: AbortSignal, onOpen?: () => void): Promise<void> {
    // The server ends a watch after timeoutSeconds; silence well past that means a dead connection.
    const idle = (Number(query.timeoutSeconds ?? 300) + 30) * 1000;
    const response = await this.open(`watch ${path}`, path, { ...query, watch: '1' }, signal, idle);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw errorFromResponse(status, await this.body(response), this.target, `watch ${path}`);
    onOpen?.();
    response.setEncoding('utf8');
    let pending = '';
    try {
      for await (const chunk of response) {
        pending += chunk as string;
        let newline = pending.indexOf('\n');
        while (newline >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line) onEvent(JSON.parse(line) as WatchEvent);
          newline = pending.indexOf('\n');
        }
      }
    } catch (error) {
      if (error instanceof KubeApiError || (error as Error).name === 'AbortError') throw error;
      if (error instanceof SyntaxError) throw new KubeApiError('protocol', `watch ${path} sent a line that is not JSON.`);
      throw this.readFailure(response, error as NodeJS.ErrnoException);
    }
    // A real server ends the stream only at a line boundary; a cut-off last line means the connection broke.
    if (pending.trim()) throw new KubeApiError('unreachable', `The watch on ${path} was cut off mid-event.`);
    if (response.readableAborted) throw new KubeApiError('unreachable', `The watch on ${path} was cut off.`);
  }
}
