import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Scripted faults for the API server double, and the figures a fault test measures against:
 * requests answered late or never, connections reset, and how many requests a client has
 * outstanding at once (a client that piles up requests against a slow server shows it here).
 */
export type RequestFault =
  /** Answer after this long instead of the double's usual latency. */
  | { kind: 'delay'; ms: number }
  /** Read the request and never answer it; the connection stays open until the client gives up. */
  | { kind: 'hang' }
  /** Close the connection without an answer, as a crashing server or a load balancer does. */
  | { kind: 'reset' };

/** What a fault rule sees of a request. */
export interface FaultRequest {
  verb: string;
  resource?: string;
  path: string;
  query: Record<string, string>;
}

export type FaultRule = (request: FaultRequest) => RequestFault | undefined;

export class RequestFaults {
  /** Added before every answer (a watch's first byte included). */
  latencyMs = 0;
  /** Consulted for every request; the first rule that returns a fault decides. */
  private readonly rules: FaultRule[] = [];
  /** TCP connections are accepted and then held: no TLS handshake, no answer, ever. */
  acceptButNeverAnswer = false;
  private unanswered = 0;
  private peakUnanswered = 0;
  private held = new Set<Socket>();
  private peakHeld = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Adds a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    this.rules.push(rule);
    return () => {
      const index = this.rules.indexOf(rule);
      if (index >= 0) this.rules.splice(index, 1);
    };
  }

  /** Removes every rule, the latency and the black hole (connections already held stay held). */
  clear(): void {
    this.rules.length = 0;
    this.latencyMs = 0;
    this.acceptButNeverAnswer = false;
  }

  decide(request: FaultRequest): RequestFault | undefined {
    for (const rule of this.rules) {
      const fault = rule(request);
      if (fault) return fault;
    }
    return this.latencyMs > 0 ? { kind: 'delay', ms: this.latencyMs } : undefined;
  }

  /** Requests received and not yet answered, on connections still open. */
  get requestsInFlight(): number {
    return this.unanswered;
  }

  /** The most requests in flight at once since the last resetPeaks(). */
  get peakRequestsInFlight(): number {
    return this.peakUnanswered;
  }

  /** Connections held by the black hole right now, and at most since the last resetPeaks(). */
  get heldConnections(): number {
    return this.held.size;
  }

  get peakHeldConnections(): number {
    return this.peakHeld;
  }

  resetPeaks(): void {
    this.peakUnanswered = this.unanswered;
    this.peakHeld = this.held.size;
  }

  /**
   * Counts a request as in flight until `answered()` is called or its connection closes, and
   * returns `answered`. Each request leaves the count once, whichever comes first.
   */
  track(res: ServerResponse): () => void {
    this.unanswered++;
    this.peakUnanswered = Math.max(this.peakUnanswered, this.unanswered);
    let counted = true;
    const leave = () => {
      if (!counted) return;
      counted = false;
      this.unanswered--;
    };
    res.once('close', leave);
    return leave;
  }

  /** Runs `answer` after `ms`, unless the response is closed first. */
  later(res: ServerResponse, ms: number, answer: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!res.destroyed && !res.writableEnded) answer();
    }, ms);
    this.timers.add(timer);
    res.once('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  /** Takes a fresh TCP connection into the black hole. */
  hold(socket: Socket): void {
    this.held.add(socket);
    this.peakHeld = Math.max(this.peakHeld, this.held.size);
    socket.once('close', () => this.held.delete(socket));
    // Reading nothing would leave the client's bytes in the kernel; reading and dropping them is the same to it.
    socket.on('data', () => {});
    socket.on('error', () => {});
  }

  /** Cancels pending answers and drops every held connection. */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }
}
