import { describe, expect, it, vi } from 'vitest';
import { RevisionPacer, type PacerClock } from './RevisionPacer';

const OPTIONS = { intervalMs: 500, maxIntervalMs: 2_000, drawingShare: 1 / 3 };

describe('RevisionPacer', () => {
  /** A clock the test moves by hand, with the timers it would fire. */
  function handClock() {
    let now = 0;
    let cpu = 0;
    const timers = new Map<number, { at: number; run: () => void }>();
    let ids = 0;
    const clock: PacerClock = {
      now: () => now,
      setTimeout: (run, ms) => (timers.set(++ids, { at: now + ms, run }), ids),
      clearTimeout: (id) => void timers.delete(id as number),
      cpuMs: () => cpu,
    };
    const advance = (ms: number) => {
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at > now) continue;
        timers.delete(id);
        timer.run();
      }
    };
    /** Work on the thread: CPU time, whatever the wall clock does meanwhile. */
    const work = (ms: number) => void (cpu += ms);
    /** Checks that `publish` publishes nothing more until `ms` from now, and once then. */
    const publishesAfter = (publish: ReturnType<typeof vi.fn>, ms: number) => {
      const before = publish.mock.calls.length;
      advance(ms - 1);
      expect(publish).toHaveBeenCalledTimes(before);
      advance(1);
      expect(publish).toHaveBeenCalledTimes(before + 1);
    };
    return { clock, advance, work, publishesAfter, pending: () => timers.size };
  }

  it('publishes at once after a quiet spell, and a burst as one revision when the interval ends', () => {
    const { clock, advance, pending } = handClock();
    const publish = vi.fn(() => true);
    const pacer = new RevisionPacer(publish, OPTIONS, clock);
    pacer.request();
    expect(publish).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 10; i++) {
      advance(20);
      pacer.request();
    }
    expect(publish).toHaveBeenCalledTimes(1);
    expect(pending()).toBe(1);
    advance(300);
    expect(publish).toHaveBeenCalledTimes(2);
    // Long after, a change is published at once again.
    advance(2_000);
    pacer.request();
    expect(publish).toHaveBeenCalledTimes(3);
  });

  it('makes room after a revision for what drawing that revision cost, up to a limit', () => {
    const { clock, advance, work, publishesAfter } = handClock();
    const publish = vi.fn(() => true);
    const pacer = new RevisionPacer(publish, OPTIONS, clock);
    pacer.request();
    // Drawing this revision took 400 ms of the thread's time: the next one waits 1.2 s from it.
    pacer.drawing(() => work(400));
    advance(500);
    pacer.request();
    publishesAfter(publish, 700);
    // That one was cheap: once drawn, the next waits only the shortest interval, not what the one before cost.
    pacer.drawing(() => work(50));
    advance(100);
    pacer.request();
    publishesAfter(publish, 400);
    // Very dear, twice: the first counts at the median of the last three (400 ms), the second in full, but never more than two seconds.
    pacer.spent(5_000);
    advance(500);
    pacer.request();
    publishesAfter(publish, 700);
    pacer.spent(5_000);
    advance(500);
    pacer.request();
    publishesAfter(publish, 1_500);
  });

  it('lengthens the interval for a dear drawing only when it comes twice: one garbage collection in a view does not hold back the next change', () => {
    const { clock, advance, work, publishesAfter } = handClock();
    const publish = vi.fn(() => true);
    const pacer = new RevisionPacer(publish, OPTIONS, clock);
    for (let i = 0; i < 2; i++) {
      pacer.request();
      pacer.drawing(() => work(150));
      advance(500);
    }
    pacer.request();
    expect(publish).toHaveBeenCalledTimes(3);
    // The third revision's view cost three times the others': the next change still waits only the shortest interval.
    pacer.drawing(() => work(450));
    advance(100);
    pacer.request();
    publishesAfter(publish, 400);
    // The fourth is as dear: now the next waits three times that.
    pacer.drawing(() => work(450));
    advance(100);
    pacer.request();
    publishesAfter(publish, 1_250);
    // A cheap one after them is not held back by them.
    pacer.drawing(() => work(150));
    advance(100);
    pacer.request();
    publishesAfter(publish, 400);
  });

  it('waits longer when the clients draw the last revision after the next change was asked for', () => {
    const { clock, advance, work, publishesAfter } = handClock();
    const publish = vi.fn(() => true);
    const pacer = new RevisionPacer(publish, OPTIONS, clock);
    pacer.request();
    advance(10);
    pacer.request();
    // The clients' views of the first revision come in after that request, and cost 600 ms.
    pacer.drawing(() => work(600));
    publishesAfter(publish, 1_790);
    // Another as dear, and then one dearer still: however dear, the wait ends two seconds after the revision.
    advance(10);
    pacer.request();
    pacer.drawing(() => work(700));
    publishesAfter(publish, 1_790);
    advance(10);
    pacer.request();
    pacer.drawing(() => work(5_000));
    publishesAfter(publish, 1_990);
  });

  it('expects revisions the clients have not drawn yet to cost what the last one drawn did, and plans again when they draw one', () => {
    const { clock, advance, work, publishesAfter } = handClock();
    const publish = vi.fn(() => true);
    const pacer = new RevisionPacer(publish, OPTIONS, clock);
    pacer.request();
    pacer.drawing(() => work(400));
    advance(1_200);
    pacer.request();
    expect(publish).toHaveBeenCalledTimes(2);
    // Neither the second revision nor the third is drawn: a change after each waits as after the first (1.2 s).
    advance(10);
    pacer.request();
    publishesAfter(publish, 1_190);
    advance(10);
    pacer.request();
    advance(600);
    expect(publish).toHaveBeenCalledTimes(3);
    // The third drawn cheaply, past the shortest interval: the change goes out.
    pacer.drawing(() => work(50));
    advance(0);
    expect(publish).toHaveBeenCalledTimes(4);
    // The fourth, drawn at a cost of 600 ms after a change was asked for: that change waits longer, not 500 ms
    // (1.2 s: dearer than the two before, it counts at the median of 600, 400 and 50 ms).
    advance(10);
    pacer.request();
    pacer.drawing(() => work(600));
    publishesAfter(publish, 1_190);
  });

  it("counts a view drawn while publishing as the new revision's cost", () => {
    const { clock, advance, work, publishesAfter } = handClock();
    const publish = vi.fn(() => (pacer.drawing(() => work(300)), true));
    const pacer = new RevisionPacer(publish, OPTIONS, clock);
    pacer.spent(600);
    pacer.request();
    advance(100);
    pacer.request();
    publishesAfter(publish, 800);
  });

  it('publishes a waiting change at once when flushed, and never twice', () => {
    const { clock, advance, pending } = handClock();
    const publish = vi.fn(() => true);
    const pacer = new RevisionPacer(publish, OPTIONS, clock);
    pacer.request();
    advance(100);
    pacer.request();
    pacer.flush();
    expect(publish).toHaveBeenCalledTimes(2);
    expect(pending()).toBe(0);
    advance(1_000);
    expect(publish).toHaveBeenCalledTimes(2);
    pacer.request();
    pacer.stop();
    advance(1_000);
    expect(publish).toHaveBeenCalledTimes(3);
  });

  it('does not count a flush that had nothing to publish as a revision: the next change goes out at once', () => {
    const { clock, advance } = handClock();
    let waiting = false;
    const published: number[] = [];
    const publish = () => {
      if (!waiting) return false;
      waiting = false;
      published.push(clock.now());
      return true;
    };
    const pacer = new RevisionPacer(publish, OPTIONS, clock);
    advance(1_000);
    pacer.flush();
    advance(100);
    waiting = true;
    pacer.request();
    expect(published).toEqual([1_100]);
    // A revision that did go out paces the next one as before.
    waiting = true;
    pacer.request();
    advance(499);
    expect(published).toEqual([1_100]);
    advance(1);
    expect(published).toEqual([1_100, 1_600]);
  });
});
