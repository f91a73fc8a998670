import { flushSync } from 'react-dom';

/** The updates waiting for the next frame, in the order asked, one per owner: a later update of an owner replaces its earlier one. */
const waiting = new Map<object, () => void>();
let frame = 0;

/** How far into a frame its callbacks may start the updates; past it, something else (a drawing) has taken the frame. */
const BUSY_FRAME_MS = 12;

/**
 * Runs `update` (state from the backend: a view, a status, an answer) at the start of the next
 * frame, with the others waiting, in one render whose commit and effects finish inside that
 * frame's callback. A change of the graph's elements is then applied in frame F; Cytoscape, told
 * to skip drawing once (CytoscapeView's `drawAfterNextFrame`), works out the new styles in F+1 and
 * draws in F+2. A frame is timed from when it was due: left to React's scheduler, the update ran
 * just before a frame that then also restyled and drew it, 50-90 ms frames under churn whose parts
 * each fit in one. When the frame's callbacks reach the updates late (Cytoscape drew a change in
 * the same frame, before them), they wait for the next frame, once. A hidden page draws no frames:
 * there its updates wait, one per owner, until it shows.
 */
export function inNextFrame(owner: object, update: () => void): void {
  // Taken out first, so that the owner's update runs after what others asked meanwhile.
  waiting.delete(owner);
  waiting.set(owner, update);
  frame ||= requestAnimationFrame(function apply(frameStart: number, late = false) {
    // The frame is taken already (Cytoscape drew in it, its callback first, or it began late): the updates take the next.
    if (!late && performance.now() - frameStart > BUSY_FRAME_MS) {
      frame = requestAnimationFrame((next) => apply(next, true));
      return;
    }
    frame = 0;
    const updates = [...waiting.values()];
    waiting.clear();
    flushSync(() => {
      for (const run of updates) run();
    });
  });
}

/** Drops an owner's waiting update (it unmounted, or what it waited for is no longer asked). */
export function dropFrameUpdate(owner: object): void {
  waiting.delete(owner);
}
