import type { Core } from 'cytoscape';

/** The part of Cytoscape's renderer object that finds what lies under the pointer (not in its typings). */
interface PickingRenderer {
  findNearestElements?: (...args: unknown[]) => unknown;
}

/**
 * Cytoscape's WebGL mode finds what lies under the pointer in a picking buffer: the first element
 * in a 6-pixel square around it, in pixel order, not drawing order. Zoomed out, a small node inside
 * a box loses to the box (for a tap, a drag and a hover alike), and an edge inside a box is never
 * found. That mode sets its own `findNearestElements` on the renderer object, over the one every
 * Cytoscape renderer shares, which goes by shape and drawing order as the 2D canvas does: the
 * topmost node, or the nearest of the edges above it. Removing the override gives WebGL mode that
 * search for every pointer event. It costs one pass over the drawn elements per event, as on the
 * canvas. Returns false, and leaves Cytoscape as it is, when this version has no such override.
 */
export function pickByShape(core: Core): boolean {
  const renderer = (core as unknown as { renderer(): PickingRenderer }).renderer();
  const shared = (Object.getPrototypeOf(renderer) as PickingRenderer).findNearestElements;
  if (!Object.hasOwn(renderer, 'findNearestElements') || typeof shared !== 'function') return false;
  delete renderer.findNearestElements;
  return true;
}
