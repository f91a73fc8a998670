import type { EdgeSingular, EventObject, NodeSingular } from 'cytoscape';

/**
 * What a tap or a double-click was on. Cytoscape's WebGL mode picks from a 6-pixel square around
 * the pointer in pixel order, not drawing order: zoomed out, a small node inside a box loses to the
 * box, and an edge inside a box is never picked. In that mode the element is found again by shape
 * as the 2D canvas finds it: the topmost node, or of the edges above it the nearest (labels take no
 * taps there either). Null: the background.
 */
export function tapTarget(event: EventObject, webgl: boolean): NodeSingular | EdgeSingular | null {
  if (!webgl) return event.target === event.cy ? null : (event.target as NodeSingular | EdgeSingular);
  const original = event.originalEvent;
  const isTouch = (typeof TouchEvent !== 'undefined' && original instanceof TouchEvent) || (typeof PointerEvent !== 'undefined' && original instanceof PointerEvent && original.pointerType === 'touch');
  const hits = event.cy.elements().hit(event.position, { includeMainLabels: false, includeSourceLabels: false, includeTargetLabels: false, isTouch });
  const edges: EdgeSingular[] = [];
  for (const hit of hits) {
    if (hit.isNode()) return edges.length ? nearestEdge(edges, event.position) : (hit as NodeSingular);
    edges.push(hit as EdgeSingular);
  }
  return edges.length ? nearestEdge(edges, event.position) : null;
}

/** The edge whose line (source end to target end; a curve is taken as its chord) passes nearest a point. */
function nearestEdge(edges: readonly EdgeSingular[], at: { x: number; y: number }): EdgeSingular {
  const distance = (edge: EdgeSingular) => {
    const a = edge.sourceEndpoint();
    const b = edge.targetEndpoint();
    const [dx, dy] = [b.x - a.x, b.y - a.y];
    const t = Math.max(0, Math.min(1, ((at.x - a.x) * dx + (at.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
    return Math.hypot(a.x + t * dx - at.x, a.y + t * dy - at.y);
  };
  return edges.reduce((best, edge) => (distance(edge) < distance(best) ? edge : best));
}
