import type { ServerResponse } from 'node:http';
import { apiVersionOf, type ResourceType } from './catalog';
import type { EventType } from './objectStore';
import { fullObjectJson, type StoredObject } from './storedObject';
import { apiHeaders, type StatusBody } from './wire';

/**
 * One open watch: HTTP 200 in chunked mode, one `{"type":...,"object":...}` line per event.
 * Catch-up events (the synthetic ADDEDs or the history replay) go first, then live events, then
 * BOOKMARKs; lines are batched per tick and written with backpressure, in order.
 */
export interface WatchEvent {
  readonly type: EventType;
  readonly object: StoredObject;
}

export interface WatchStreamOptions {
  type: ResourceType;
  /** null when bookmarks were not asked for (allowWatchBookmarks=true). */
  bookmarkIntervalMs: number | null;
  timeoutMs: number;
  currentRv: () => number;
  onClosed: () => void;
}

const CATCH_UP_LINES_PER_WRITE = 1000;

export const watchLine = (type: ResourceType, event: WatchEvent) => `{"type":"${event.type}","object":${fullObjectJson(type, event.object)}}\n`;

/** A watch that ends at once with one ERROR line, as the real server answers a too-old RV. */
export function writeWatchError(res: ServerResponse, error: StatusBody): void {
  res.writeHead(200, apiHeaders());
  res.end(`{"type":"ERROR","object":${JSON.stringify(error)}}\n`);
}

export class WatchStream {
  private catchUp: readonly WatchEvent[];
  private catchUpIndex = 0;
  private live: string[] = [];
  private flushScheduled = false;
  private waitingForDrain = false;
  private ending = false;
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  /** The resourceVersion of the last BOOKMARK written, 0 before the first. */
  bookmarkedRv = 0;

  constructor(
    private readonly res: ServerResponse,
    catchUp: readonly WatchEvent[],
    private readonly options: WatchStreamOptions,
  ) {
    this.catchUp = catchUp;
    res.writeHead(200, apiHeaders());
    res.flushHeaders();
    res.on('close', () => this.cleanUp());
    this.timers.push(setTimeout(() => this.finish(), options.timeoutMs));
    if (options.bookmarkIntervalMs !== null) this.timers.push(setInterval(() => this.bookmark(), options.bookmarkIntervalMs));
    this.scheduleFlush();
  }

  /** The resource (plural) this watch follows. */
  get resource(): string {
    return this.options.type.plural;
  }

  push(event: WatchEvent): void {
    if (this.ending || this.closed) return;
    this.live.push(watchLine(this.options.type, event));
    this.scheduleFlush();
  }

  /** A network drop: the socket goes away mid-stream, without a clean end of the response. */
  drop(): void {
    this.res.socket?.destroy();
    this.cleanUp();
  }

  /** The server-side timeout: deliver what is queued, then end the response cleanly. */
  finish(): void {
    if (this.ending || this.closed) return;
    this.ending = true;
    this.clearTimers();
    this.flush();
  }

  private bookmark(): void {
    const { kind, crd } = this.options.type;
    const resourceVersion = String(this.options.currentRv());
    // What a real server sends: an empty object of the kind, carrying only the RV (and, typed, Go's zero creationTimestamp).
    const object = crd
      ? { apiVersion: apiVersionOf(this.options.type), kind, metadata: { resourceVersion } }
      : { kind, apiVersion: apiVersionOf(this.options.type), metadata: { resourceVersion, creationTimestamp: null } };
    this.live.push(`{"type":"BOOKMARK","object":${JSON.stringify(object)}}\n`);
    this.bookmarkedRv = Number(resourceVersion);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.waitingForDrain || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.closed || this.waitingForDrain) return;
    while (this.catchUpIndex < this.catchUp.length) {
      const end = Math.min(this.catchUp.length, this.catchUpIndex + CATCH_UP_LINES_PER_WRITE);
      let text = '';
      for (; this.catchUpIndex < end; this.catchUpIndex++) text += watchLine(this.options.type, this.catchUp[this.catchUpIndex]);
      if (!this.res.write(text)) return this.awaitDrain();
    }
    this.catchUp = [];
    if (this.live.length > 0) {
      const text = this.live.join('');
      this.live = [];
      if (!this.res.write(text)) return this.awaitDrain();
    }
    if (this.ending) {
      this.res.end();
      this.cleanUp();
    }
  }

  private awaitDrain(): void {
    this.waitingForDrain = true;
    this.res.once('drain', () => {
      this.waitingForDrain = false;
      this.flush();
    });
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
  }

  private cleanUp(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    this.options.onClosed();
  }
}
