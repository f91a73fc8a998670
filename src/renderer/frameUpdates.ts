import { flushSync } from 'react-dom';

/** The updates waiting for the next frame, in the order asked, one per owner: a later update of an owner replaces its earlier one. */
const waiting = new Map<object, () => void>();
let frame = 0;

/**
 * Runs `update` (a state update from the backend) at the start of the next frame, with the others
 * waiting, in one render whose commit and effects finish inside that frame's callback. The graph's
 * elements then change in that frame and Cytoscape, whose own callback for it has already run,
 * draws them in the next. Left to React's scheduler, the update ran just before a frame that then
 * also drew it: 50-90 ms frames under churn, where each half alone fits in 50. A hidden page
 * draws no frames, so there its updates wait, one per owner, until it shows.
 */
export function inNextFrame(owner: object, update: () => void): void {
  // Taken out first, so that the owner's update runs after what others asked meanwhile.
  waiting.delete(owner);
  waiting.set(owner, update);
  frame ||= requestAnimationFrame(() => {
    frame = 0;
    const updates = [...waiting.values()];
    waiting.clear();
    flushSync(() => {
      for (const run of updates) run();
    });
  });
}

/** Drops an owner's waiting update (it unmounted). */
export function dropFrameUpdate(owner: object): void {
  waiting.delete(owner);
}
