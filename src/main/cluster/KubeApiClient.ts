import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { classifyRequestError, errorFromResponse, KubeApiError, type RequestTarget } from './KubeApiError';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

/** A list or a watch that takes longer than this without a byte is treated as a dead connection. */
const LIST_TIMEOUT_MS = 60_000;

/**
 * Read-only access to one context's API server: GET for discovery and lists, streamed GET for
 * watches. Authentication (token, client certificate, exec plugins, OIDC, proxy-url) is
 * client-node's; the requests themselves are plain, so objects can be stripped as they arrive
 * instead of being turned into client-node's model classes first.
 */
export class KubeApiClient {
  readonly target: RequestTarget;

  constructor(private readonly config: KubeConfig) {
    const context = config.getContextObject(config.currentContext)!;
    this.target = { server: config.getCluster(context.cluster)!.server.replace(/\/+$/, ''), cluster: context.cluster, user: context.user };
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

  private open(path: string, query: Record<string, string | undefined>, signal?: AbortSignal, idleTimeoutMs = LIST_TIMEOUT_MS): Promise<IncomingMessage> {
    return this.options(path, query).then(
      ({ url, options }) =>
        new Promise<IncomingMessage>((resolve, reject) => {
          const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
          let req: ReturnType<typeof send>;
          try {
            req = send(url, { ...options, signal }, resolve);
          } catch (error) {
            // TLS material is checked when the socket is made, synchronously: a key that does not match its certificate throws here.
            reject(classifyRequestError(error as NodeJS.ErrnoException, this.target));
            return;
          }
          req.setTimeout(idleTimeoutMs, () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
          req.on('error', (error: NodeJS.ErrnoException) => reject(error.name === 'AbortError' ? error : classifyRequestError(error, this.target)));
          req.end();
        }),
    );
  }

  private static async body(response: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** GET a JSON document; a non-2xx answer becomes a KubeApiError. */
  async get<T>(path: string, query: Record<string, string | undefined> = {}, signal?: AbortSignal): Promise<T> {
    const response = await this.open(path, query, signal);
    const text = await KubeApiClient.body(response).catch((error: NodeJS.ErrnoException) => {
      throw classifyRequestError(error, this.target);
    });
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
    const response = await this.open(path, { ...query, watch: '1' }, signal, idle);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw errorFromResponse(status, await KubeApiClient.body(response), this.target, `watch ${path}`);
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
      throw classifyRequestError(error as NodeJS.ErrnoException, this.target);
    }
    // A real server ends the stream only at a line boundary; a cut-off last line means the connection broke.
    if (pending.trim()) throw new KubeApiError('unreachable', `The watch on ${path} was cut off mid-event.`);
    if (response.readableAborted) throw new KubeApiError('unreachable', `The watch on ${path} was cut off.`);
  }
}
