import type { Core } from 'cytoscape';

/** The parts of a Cytoscape element this file reads: its private fields (Cytoscape 3.x). */
interface ElementInternals {
  isNode(): boolean;
  _private: { styleCache: unknown; edges: ElementInternals[]; children: ElementInternals[]; parent: ElementInternals | null };
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
 * with Strata's stylesheet), and with compound nodes in the graph its own builds several
 * collections each time to set one field on each member. In the page under churn, building them
 * was a third of Cytoscape's style work (see docs/scale.md). This walks the elements' own arrays.
 */
export function dirtyStyleCacheDirectly(this: CollectionInternals): CollectionInternals {
  for (let i = 0; i < this.length; i++) {
    const element = this[i];
    if (!element.isNode()) {
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

/**
 * Puts `dirtyStyleCacheDirectly` in the place of Cytoscape's own on its collections' prototype:
 * for every Cytoscape instance in the page, from then on. Returns the one it replaced (Cytoscape's
 * own, the first time).
 */
export function installDirectStyleCacheClearing(core: Core): (this: CollectionInternals) => CollectionInternals {
  const prototype = Object.getPrototypeOf(core.collection()) as { dirtyStyleCache: (this: CollectionInternals) => CollectionInternals };
  const replaced = prototype.dirtyStyleCache;
  prototype.dirtyStyleCache = dirtyStyleCacheDirectly;
  return replaced;
}
