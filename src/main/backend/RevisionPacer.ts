/** What a pacer needs of a clock and timers; injected by tests. */
export interface PacerClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  /** The CPU time this thread has used, in ms. */
  cpuMs(): number;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  // What drawing costs this thread, not the wall time it took on a machine busy with other work
  // (which must not thin out the revisions); the wall clock where the runtime cannot tell.
  cpuMs:
    typeof process.threadCpuUsage === 'function'
      ? () => {
          const { user, system } = process.threadCpuUsage();
          return (user + system) / 1000;
        }
      : () => performance.now(),
};

export interface PacerOptions {
  /** The shortest interval between revisions. */
  intervalMs: number;
  /** The longest, however dear drawing is. */
  maxIntervalMs: number;
  /** Drawing a revision may take at most this share of the time between revisions. */
  drawingShare: number;
}

/**
 * Spaces out revisions. A change asked for while the last revision is younger than the interval
 * is published, with any others that come meanwhile, when the interval ends; a change after a
 * quiet spell is published at once. A source that changes ten times a second, and a traffic tick,
 * then cost the clients (and the views they ask for) a few revisions a second, not one each. When
 * drawing a revision (the views asked for it) takes longer, the next waits longer, so that the
 * flows and watches read on the same thread are never starved by the picture.
 */
export class RevisionPacer {
  private lastAt = -Infinity;
  private timer?: unknown;
  /** What drawing the last revision has cost so far: the views asked for since it was published. */
  private drawingCost = 0;
  /**
   * Whether a client has drawn the last revision (one view asked for is enough); until one has, it
   * is expected to cost what the last revision drawn did. With no clients the expectation stays,
   * bounded by the longest interval.
   */
  private drawn = false;
  /** What the last two revisions drawn before the last one cost, the latest last. */
  private costsBefore: number[] = [];

  /** `publish` says whether it published anything: a flush with nothing to send leaves the pacing as it was. */
  constructor(
    private readonly publish: () => boolean,
    private readonly options: PacerOptions,
    private readonly clock: PacerClock = realClock,
  ) {}

  /** Time spent drawing what was published (a view asked for): the next interval makes room for it. */
  spent(ms: number): void {
    this.drawingCost += ms;
    this.drawn = true;
    // A publication waiting for the interval waits for the one this makes (shorter or longer); never published from here, inside a view.
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
      this.schedule(Math.max(0, this.lastAt + this.intervalMs - this.clock.now()));
    }
  }

  /** Draws what was published (for a client), counting what it cost. */
  drawing<T>(draw: () => T): T {
    const start = this.clock.cpuMs();
    try {
      return draw();
    } finally {
      this.spent(this.clock.cpuMs() - start);
    }
  }

  /**
   * The interval after the last revision: the shortest, or longer when drawing that revision took
   * more than its share of it. It is the last revision's own cost once the clients have drawn it:
   * a cheap revision after a dear one is not held back by the dear one (at 150,000 pods, a status
   * change after pods came and went waited up to 1.6 s for nothing). Until they have, it is
   * expected to cost what the last one drawn did: a revision published before the clients drew the
   * last one made them skip it, and made the next view cost two revisions' changes.
   *
   * A revision dearer than both before it counts only as the dearer of those two (the median of the
   * three): a dear drawing must come twice to lengthen the interval. A major garbage collection of
   * serve's 1 GB heap that fell in one view tripled its cost (450 instead of 150 ms), and the next
   * change then waited 1.35 s for nothing.
   */
  get intervalMs(): number {
    const { intervalMs, maxIntervalMs, drawingShare } = this.options;
    const own = this.drawn ? this.drawingCost : Math.max(this.drawingCost, this.costsBefore.at(-1) ?? 0);
    const cost = this.costsBefore.length < 2 ? own : Math.min(own, Math.max(...this.costsBefore));
    return Math.min(maxIntervalMs, Math.max(intervalMs, cost / drawingShare));
  }

  /** A change to publish: now when the last revision is old enough, else when the interval ends. */
  request(): void {
    if (this.timer !== undefined) return;
    const wait = this.lastAt + this.intervalMs - this.clock.now();
    if (wait <= 0) return this.fire();
    this.schedule(wait);
  }

  private schedule(wait: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.request();
    }, wait);
  }

  /** Publishes now, with whatever is waiting: what the user asked for (a moment, the live view) does not wait. */
  flush(): void {
    this.stop();
    this.fire();
  }

  /** Drops a publication that is waiting. */
  stop(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    // The interval runs from when publishing began; what drawing costs from then on is this revision's.
    // (A view drawn while publishing, for a client in the same process answered at once, is this revision's too.)
    const at = this.clock.now();
    const [before, drawn] = [this.drawingCost, this.drawn];
    this.drawn = false;
    if (!this.publish()) {
      this.drawn = drawn;
      return;
    }
    this.lastAt = at;
    this.drawingCost -= before;
    // What the revision before cost, or, when nobody drew it, what the last one drawn did.
    const last = this.costsBefore.length - 1;
    if (drawn || last < 0) this.costsBefore = [...this.costsBefore.slice(-1), before];
    else this.costsBefore[last] = Math.max(before, this.costsBefore[last]);
  }
}
