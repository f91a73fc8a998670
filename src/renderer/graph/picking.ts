import type { Core } from 'cytoscape';

type FindNearest = (this: unknown, ...args: unknown[]) => unknown[];

/** The part of Cytoscape's renderer object that finds what lies under the pointer (not in its typings). */
interface PickingRenderer {
  findNearestElements?: FindNearest;
}

const NOTHING: unknown[] = [];

/**
 * Makes Cytoscape look for what lies under the pointer only while a button or a finger is down
 * on the graph (until the release's handlers have run), and then by shape and drawing order.
 *
 * - Cytoscape looks on every mouse move as well, for hover events Strata does not use. Its search
 *   passes over every element: a median 24.5 ms per move at 10,402 elements in the render
 *   benchmark's page, on a picture that should pan smoothly.
 * - Its WebGL mode sets its own search on the renderer object: the first element in a 6-pixel
 *   square of a picking buffer, in pixel order, not drawing order. Zoomed out, a small node inside
 *   a box lost taps and drags to the box, and an edge inside a box was never found. While pressed,
 *   this uses the search every Cytoscape renderer shares instead, which goes by shape as the 2D
 *   canvas does.
 *
 * Returns what removes its listeners, or null, leaving Cytoscape as it is, when this version has no
 * shared search.
 */
export function pickOnPress(core: Core, container: HTMLElement): (() => void) | null {
  const renderer = (core as unknown as { renderer(): PickingRenderer }).renderer();
  const byShape = (Object.getPrototypeOf(renderer) as PickingRenderer).findNearestElements;
  if (typeof byShape !== 'function') return null;
  // The pointers down now, each with its press's number. One stays until its release's handlers
  // have run (Cytoscape handles mouseup and touchend after the pointer event), so a timer lets it
  // go, unless the same pointer was pressed again meanwhile.
  const down = new Map<number, number>();
  const timers = new Set<number>();
  let presses = 0;
  const press = (event: PointerEvent) => down.set(event.pointerId, ++presses);
  const release = (event: PointerEvent) => {
    const pressed = down.get(event.pointerId);
    const timer = window.setTimeout(() => {
      timers.delete(timer);
      if (down.get(event.pointerId) === pressed) down.delete(event.pointerId);
    });
    timers.add(timer);
  };
  // A release the page never sees (the window lost focus with a button down) must not leave hover picking on.
  const forget = () => down.clear();
  renderer.findNearestElements = function (this: unknown, ...args: unknown[]) {
    return down.size > 0 ? byShape.apply(this, args) : NOTHING;
  };
  container.addEventListener('pointerdown', press, true);
  window.addEventListener('pointerup', release, true);
  window.addEventListener('pointercancel', release, true);
  window.addEventListener('blur', forget);
  return () => {
    for (const timer of timers) window.clearTimeout(timer);
    container.removeEventListener('pointerdown', press, true);
    window.removeEventListener('pointerup', release, true);
    window.removeEventListener('pointercancel', release, true);
    window.removeEventListener('blur', forget);
  };
}
