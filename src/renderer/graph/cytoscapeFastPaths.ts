import type { Core } from 'cytoscape';

/**
 * Two of Cytoscape's internals, done without building collections. Both run in the render path
 * for every element an update touches, and with compound nodes in the graph Cytoscape's own build
 * collections of an element's family to read or clear one field on each: under churn in the
 * open 3,000-pod namespace, a third of its style work and most of its z-order sort (see
 * docs/scale.md). Each does what Cytoscape's own does; the test compares them on flat and
 * compound graphs, after moves and removals. Last, `drawAfterNextFrame` sets a flag of its render
 * loop, to pace its drawing, and `drewInFrame` tells the frames it drew in.
 */

/** The parts of a Cytoscape element this file reads: its private fields (Cytoscape 3.x). */
interface ElementInternals {
  _private: {
    group: 'nodes' | 'edges';
    data: { parent?: string };
    styleCache: unknown;
    edges: ElementInternals[];
    children: ElementInternals[];
    parent: ElementInternals | null;
    source: ElementInternals;
    target: ElementInternals;
  };
}

/** A Cytoscape collection as this file sees it. */
interface CollectionInternals {
  readonly length: number;
  readonly [index: number]: ElementInternals;
}

/** A node's cache and its edges'. */
function clearNode(node: ElementInternals): void {
  node._private.styleCache = null;
  for (const edge of node._private.edges) edge._private.styleCache = null;
}

/**
 * Clears the style caches Cytoscape's own `dirtyStyleCache` clears: an edge's own; a node's, its
 * descendants' and ancestors', and the edges of all those nodes. (Its own skips a live element
 * whose id a removed one in the same call still holds; this clears both, which is never stale.)
 * Cytoscape calls it for every style property it changes on an element (15 times for a new pod
 * with Strata's stylesheet).
 */
export function dirtyStyleCacheDirectly(this: CollectionInternals): CollectionInternals {
  for (let i = 0; i < this.length; i++) {
    const element = this[i];
    if (element._private.group === 'edges') {
      element._private.styleCache = null;
      continue;
    }
    clearNode(element);
    const below = [...element._private.children];
    for (let node = below.pop(); node; node = below.pop()) {
      clearNode(node);
      below.push(...node._private.children);
    }
    for (let node = element._private.parent; node; node = node._private.parent) clearNode(node);
  }
  return this;
}

/** Cytoscape's childless nodes, drawn above every box. */
const CHILDLESS_DEPTH = Number.MAX_SAFE_INTEGER - 1;

/** What Cytoscape's own `zDepth` gives an element: a box its number of ancestors, a childless node the top, an edge the deeper of its ends. */
function zDepthOf(element: ElementInternals): number {
  const own = element._private;
  if (own.group === 'edges') return Math.max(zDepthOf(own.source), zDepthOf(own.target), 0);
  if (own.children.length === 0) return CHILDLESS_DEPTH;
  let depth = 0;
  if (own.data.parent) for (let node = own.parent; node; node = node._private.parent) depth++;
  return depth;
}

/** Cytoscape's own `zDepth`, which its z-order sort calls for both elements of every comparison, without counting ancestors into a collection. */
export function zDepthDirectly(this: CollectionInternals): number | undefined {
  return this.length ? zDepthOf(this[0]) : undefined;
}

/** Cytoscape's own functions that the fast paths take the place of. */
export interface ReplacedInternals {
  dirtyStyleCache: (this: CollectionInternals) => CollectionInternals;
  zDepth: (this: CollectionInternals) => number | undefined;
}

/**
 * Puts the fast paths in the place of Cytoscape's own on its collections' prototype: for every
 * Cytoscape instance in the page, from then on. Returns the ones they replaced (Cytoscape's own,
 * the first time).
 */
export function installFastPaths(core: Core): ReplacedInternals {
  const prototype = Object.getPrototypeOf(core.collection()) as ReplacedInternals;
  const replaced = { dirtyStyleCache: prototype.dirtyStyleCache, zDepth: prototype.zDepth };
  prototype.dirtyStyleCache = dirtyStyleCacheDirectly;
  prototype.zDepth = zDepthDirectly;
  return replaced;
}

/**
 * Has Cytoscape draw what just changed a frame later than it would. A frame is timed from when it
 * was due: drawn right after 20-30 ms of the page's own work (an update applied, labels placed), a
 * drawing that fits in a frame made one of 50-70 ms (see docs/scale.md). In the frame it skips,
 * Cytoscape still works out the changed elements' styles; it draws in the next, on time.
 * A skip is refused when Cytoscape has not drawn since the last one was asked, so that it never
 * skips two frames running: a change that finds its skip refused is drawn in the next frame, and
 * the skip after that is allowed again (labels placed and drawn, then a view 30 ms later: both skip).
 */
export function drawAfterNextFrame(core: Core, last: { skippedAt: number }): void {
  const renderer = rendererOf(core);
  if (!renderer) return;
  const drawnSinceLastSkip = (renderer.lastDrawTime ?? -Infinity) > last.skippedAt;
  if (last.skippedAt !== -Infinity && !drawnSinceLastSkip) return;
  renderer.skipFrame = true;
  last.skippedAt = performance.now();
}

/**
 * A test of whether Cytoscape has drawn in the frame whose requestAnimationFrame timestamp is
 * given (the same for every callback of a frame): its render loop hands that timestamp to its
 * before-render callbacks, with `willDraw`, just before it draws.
 */
export function drewInFrame(core: Core): (frameStart: number) => boolean {
  let drewIn = NaN;
  rendererOf(core)?.beforeRender((willDraw, frameStart) => {
    if (willDraw) drewIn = frameStart;
  }, DRAWN_FRAME_PRIORITY);
  return (frameStart) => drewIn === frameStart;
}

/** Last among Cytoscape's before-render callbacks (higher runs first): nothing it does after them stops the drawing. */
const DRAWN_FRAME_PRIORITY = -100;

/**
 * What Strata reads and sets of Cytoscape's renderer (3.x): the flag its render loop reads to skip
 * one tick, when it last drew (a `performance.now()`), and its before-render callbacks.
 */
interface RenderLoop {
  skipFrame?: boolean;
  lastDrawTime?: number;
  beforeRender(callback: (willDraw: boolean, frameStart: number) => void, priority: number): void;
}

/** The renderer's loop; null once the core is destroyed. */
function rendererOf(core: Core): RenderLoop | null {
  return (core as unknown as { renderer(): RenderLoop | null }).renderer();
}
