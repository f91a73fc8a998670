import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dropFrameUpdate, inNextFrame, watchDrawing } from './frameUpdates';

/** The browser's frames, run by the test: each `frame(at)` runs the callbacks asked before it, with that start time. */
function frames() {
  let asked: ((time: number) => void)[] = [];
  vi.stubGlobal('requestAnimationFrame', (callback: (time: number) => void) => asked.push(callback));
  return {
    frame(at: number) {
      const due = asked;
      asked = [];
      for (const callback of due) callback(at);
    },
    pending: () => asked.length,
  };
}

describe('inNextFrame', () => {
  let browser: ReturnType<typeof frames>;
  let stopWatching = () => {};
  beforeEach(() => {
    browser = frames();
  });
  afterEach(() => {
    // Nothing carried into the next test: no graph watched, no frame left waiting.
    stopWatching();
    while (browser.pending()) browser.frame(Number.MAX_SAFE_INTEGER);
    vi.unstubAllGlobals();
  });

  it('runs the updates at the next frame, one per owner, a later one in place of an earlier', () => {
    const ran: string[] = [];
    const [view, status] = [{}, {}];
    inNextFrame(view, () => ran.push('view 1'));
    inNextFrame(status, () => ran.push('status'));
    inNextFrame(view, () => ran.push('view 2'));
    expect(ran).toEqual([]);
    expect(browser.pending()).toBe(1);
    browser.frame(100);
    // The view asked again after the status runs after it.
    expect(ran).toEqual(['status', 'view 2']);
    expect(browser.pending()).toBe(0);
  });

  it("drops an owner's waiting update", () => {
    const ran: string[] = [];
    const owner = {};
    inNextFrame(owner, () => ran.push('dropped'));
    dropFrameUpdate(owner);
    browser.frame(100);
    expect(ran).toEqual([]);
  });

  it('waits one more frame, and no more, when the graph has drawn in the frame already', () => {
    const ran: string[] = [];
    const drawnIn = new Set([100, 116]);
    stopWatching = watchDrawing((frameStart) => drawnIn.has(frameStart));
    inNextFrame({}, () => ran.push('view'));
    browser.frame(100);
    expect(ran).toEqual([]);
    // Asked while the others wait for the next frame: it joins them.
    inNextFrame({}, () => ran.push('search hits'));
    expect(browser.pending()).toBe(1);
    // Drawn in the next frame too: the updates run all the same.
    browser.frame(116);
    expect(ran).toEqual(['view', 'search hits']);

    // Nothing drawn in the frame: no wait.
    inNextFrame({}, () => ran.push('status'));
    browser.frame(133);
    expect(ran).toEqual(['view', 'search hits', 'status']);

    // Once the graph is gone, nothing is taken as drawn.
    stopWatching();
    drawnIn.add(150);
    inNextFrame({}, () => ran.push('diagnostics'));
    browser.frame(150);
    expect(ran).toEqual(['view', 'search hits', 'status', 'diagnostics']);
  });
});
