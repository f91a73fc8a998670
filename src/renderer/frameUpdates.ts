import { flushSync } from 'react-dom';

// The browser's; named here so that the module also compiles for its tests in Node, which supply it.
declare function requestAnimationFrame(callback: (time: number) => void): number;

/** The updates waiting for the next frame, in the order asked, one per owner: a later update of an owner replaces its earlier one. */
const waiting = new Map<object, () => void>();
let frame = 0;

/** Whether the graph has drawn in the frame with this requestAnimationFrame timestamp; the graph says how while it exists (see watchDrawing). */
let drewInFrame: (frameStart: number) => boolean = () => false;

/**
 * Runs `update` (state from the backend: a view, a status, an answer) at the start of the next
 * frame, with the others waiting, in one render whose commit and effects finish inside that
 * frame's callback. Cytoscape, told to skip drawing once after a change of the graph's elements
 * (`drawAfterNextFrame` in cytoscapeFastPaths.ts), works out the new styles in the tick it skips
 * and draws in the next. A frame is timed from when it was due: left to React's scheduler, the update ran
 * just before a frame that then also restyled and drew it, 50-90 ms frames under churn whose parts
 * each fit in one. When Cytoscape has drawn in the frame already (its callback came first), the
 * updates wait for the next frame, once. A hidden page draws no frames: there its updates wait,
 * one per owner, until it shows.
 */
export function inNextFrame(owner: object, update: () => void): void {
  // Taken out first, so that the owner's update runs after what others asked meanwhile.
  waiting.delete(owner);
  waiting.set(owner, update);
  frame ||= requestAnimationFrame((frameStart) => runWaiting(frameStart, false));
}

/** The waiting updates, in one render; a second chance when the graph has drawn in this frame already. */
function runWaiting(frameStart: number, retried: boolean): void {
  if (!retried && drewInFrame(frameStart)) {
    frame = requestAnimationFrame((next) => runWaiting(next, true));
    return;
  }
  frame = 0;
  const updates = [...waiting.values()];
  waiting.clear();
  flushSync(() => {
    for (const run of updates) run();
  });
}

/** Tells the updates how to see that the graph has drawn in a frame; returns what takes it back. */
export function watchDrawing(drew: (frameStart: number) => boolean): () => void {
  drewInFrame = drew;
  return () => {
    if (drewInFrame === drew) drewInFrame = () => false;
  };
}

/** Drops an owner's waiting update (it unmounted, or what it waited for is no longer asked). */
export function dropFrameUpdate(owner: object): void {
  waiting.delete(owner);
}
