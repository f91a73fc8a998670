import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

/**
 * What keeps other local web pages from driving Strata's serve mode: a Host check (DNS rebinding
 * makes `evil.example` resolve to 127.0.0.1, but the browser still sends `Host: evil.example`), a
 * same-origin check on the WebSocket, and a random per-run token that only the printed URL carries.
 */
export class TransportGuard {
  constructor(
    private readonly token: string,
    private readonly allowedHosts: ReadonlySet<string>,
  ) {}

  hostAllowed(request: IncomingMessage): boolean {
    const host = request.headers.host?.toLowerCase();
    return host !== undefined && this.allowedHosts.has(host);
  }

  /** A browser always sends Origin on a WebSocket; it must be this server's own. Non-browser clients send none. */
  originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    const host = request.headers.host?.toLowerCase();
    return origin.toLowerCase() === `http://${host}`;
  }

  tokenValid(candidate: string | null): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** The Host header values a server bound to `host:port` answers to: its own names, never a stranger's. */
export function allowedHostHeaders(host: string, port: number): Set<string> {
  const bracket = (address: string) => (address.includes(':') ? `[${address}]` : address);
  let names: string[];
  if (host === '127.0.0.1' || host === 'localhost' || host === '::1') names = LOOPBACK_NAMES;
  else if (host === '0.0.0.0' || host === '::') {
    // Bound to every interface: answer to each of this machine's addresses.
    const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => bracket(i.address)));
    names = [...LOOPBACK_NAMES, ...addresses];
  } else names = [bracket(host)];
  return new Set(names.map((name) => `${name}:${port}`.toLowerCase()));
}
