import type { Core, SingularElementArgument } from 'cytoscape';
import { labelRank, placeLabels, type LabelBox } from '../../core/view/labelPlacement';

/** The smallest label, in screen pixels, that the picture shows when zoomed out: readable across a room. */
export const READABLE_LABEL_PX = 12;
/** The base label size in the stylesheet, which `labelScaleFor` enlarges. */
const BASE_LABEL_PX = 11;
const MAX_LABEL_SCALE = 8;
/** Steps of a quarter, so that zooming a little does not restyle every element. */
const SCALE_STEP = 1.25;

/**
 * Above this many drawn elements, zooming out does not enlarge labels. Enlarging restyles every
 * element (Cytoscape has no global font scale), which took seconds at 10,000 elements in the render
 * benchmark, after every zoom; and on such a picture zoomed out, the enlarged labels would almost
 * all collide and be hidden anyway. Labels then appear at their own size as the user zooms in.
 */
export const LABEL_SCALE_ELEMENT_LIMIT = 3_000;

/** How much to enlarge labels at a zoom so that they are drawn at least READABLE_LABEL_PX high; 1 on a picture of more than LABEL_SCALE_ELEMENT_LIMIT elements. */
export function labelScaleFor(zoom: number, elements = 0): number {
  if (elements > LABEL_SCALE_ELEMENT_LIMIT) return 1;
  const wanted = READABLE_LABEL_PX / (BASE_LABEL_PX * zoom);
  if (!(wanted > 1)) return 1;
  return Math.min(MAX_LABEL_SCALE, SCALE_STEP ** Math.ceil(Math.log(wanted) / Math.log(SCALE_STEP) - 1e-9));
}

/**
 * Room around the positions given, in model units, for what fitting counts besides them: half the
 * widest folded aggregate (216 wide), and a label under the lowest node.
 */
const FIT_MARGIN = { x: 110, y: 60 };

/**
 * About the zoom that fitting these elements would give (Cytoscape's fit takes the zoom that fits
 * the whole picture, labels included, inside the padding), from their positions alone: nothing is
 * measured. Boxes have no position of their own and are left out. Undefined when nothing is placed.
 */
export function fitZoomOf(elements: readonly { position?: { x: number; y: number } }[], view: { width: number; height: number; padding: number; minZoom: number; maxZoom: number }): number | undefined {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { position } of elements) {
    if (!position) continue;
    [x1, y1, x2, y2] = [Math.min(x1, position.x), Math.min(y1, position.y), Math.max(x2, position.x), Math.max(y2, position.y)];
  }
  if (x1 === Infinity || view.width <= 2 * view.padding || view.height <= 2 * view.padding) return undefined;
  const zoom = Math.min((view.width - 2 * view.padding) / (x2 - x1 + 2 * FIT_MARGIN.x), (view.height - 2 * view.padding) / (y2 - y1 + 2 * FIT_MARGIN.y));
  return Math.min(view.maxZoom, Math.max(view.minZoom, zoom));
}

const LABEL_ONLY = { includeNodes: false, includeEdges: false, includeLabels: true, includeMainLabels: true, includeSourceLabels: false, includeTargetLabels: false, includeOverlays: false, includeUnderlays: false };

/** The text Cytoscape draws as an element's label: the stylesheet's, after its functions ran. */
const labelText = (element: SingularElementArgument): string => String(element.style('label') ?? '');

/** Whether Cytoscape draws an element's label at this zoom at all (it leaves out those below `min-zoomed-font-size`). */
function drawnAtZoom(element: SingularElementArgument, zoom: number): boolean {
  return (element.numericStyle('font-size') as number) * zoom >= (element.numericStyle('min-zoomed-font-size') as number);
}

/** A label as the page draws it (or would, when hidden), for tests and bug reports. */
export interface ShownLabel {
  id: string;
  text: string;
  /** How much it matters: a label is hidden only for one that matters as much or more. */
  rank: number;
  /** The label's box in page pixels. */
  box: { x1: number; y1: number; x2: number; y2: number };
  /** Its font size on screen. */
  fontPx: number;
}

/** labelRank for a drawn element; the selection's label above all. */
const rankOf = (element: SingularElementArgument) => labelRank({ group: element.isNode() ? 'nodes' : 'edges', kind: element.data('kind'), classes: element.classes().join(' ') }) + (element.selected() ? 10_000 : 0);

/**
 * Whether an element stands in or near the part of the picture on screen (within half a screen);
 * only those are measured. An edge is judged by its ends, not its midpoint: the midpoint makes
 * Cytoscape work out the edge's whole geometry, for every edge of the picture.
 */
function nearView(element: SingularElementArgument, view: { x1: number; y1: number; x2: number; y2: number; w: number; h: number }): boolean {
  const [x1, y1, x2, y2] = [view.x1 - view.w / 2, view.y1 - view.h / 2, view.x2 + view.w / 2, view.y2 + view.h / 2];
  if (element.isNode()) {
    const at = element.position();
    return at.x > x1 && at.x < x2 && at.y > y1 && at.y < y2;
  }
  const [a, b] = [element.source().position(), element.target().position()];
  return Math.max(a.x, b.x) > x1 && Math.min(a.x, b.x) < x2 && Math.max(a.y, b.y) > y1 && Math.min(a.y, b.y) < y2;
}

/**
 * Shows the labels that fit: each label drawn on screen is a candidate, ranked by what it names
 * (problems first, see labelRank; the selection above all), and one that would overlap a more
 * important one or be cut by the edge of the canvas is hidden. Only elements on or near the screen
 * are measured, and only labels Cytoscape draws at this zoom are touched: on a big picture most are
 * too small to draw, and changing their classes would restyle them for nothing. Returns how many
 * labels it showed or hid.
 */
export function placeGraphLabels(core: Core): number {
  const zoom = core.zoom();
  const extent = core.extent();
  const boxes: LabelBox[] = [];
  const drawn: SingularElementArgument[] = [];
  core.elements().forEach((element) => {
    if (!nearView(element, extent) || !drawnAtZoom(element, zoom) || !labelText(element)) return;
    drawn.push(element);
    const b = element.boundingBox(LABEL_ONLY);
    boxes.push({ id: element.id(), rank: rankOf(element), x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 });
  });
  // Two screen pixels between labels, whatever the zoom.
  const shown = placeLabels(boxes, { within: extent, gap: 2 / zoom });
  let changed = 0;
  core.batch(() => {
    for (const element of drawn) {
      const hide = !shown.has(element.id());
      if (element.hasClass('label-hidden') === hide) continue;
      element.toggleClass('label-hidden', hide);
      changed += 1;
    }
  });
  return changed;
}

/** The labels on screen now, shown and hidden, with their boxes in page pixels (for tests: no two shown may overlap). */
export function labelsOnScreen(core: Core, origin: { left: number; top: number }): { shown: ShownLabel[]; hidden: ShownLabel[] } {
  const zoom = core.zoom();
  const extent = core.extent();
  const out = { shown: [] as ShownLabel[], hidden: [] as ShownLabel[] };
  core.elements().forEach((element) => {
    if (!nearView(element, extent) || !drawnAtZoom(element, zoom) || !labelText(element)) return;
    const b = element.renderedBoundingBox(LABEL_ONLY);
    const label = { id: element.id(), text: labelText(element), rank: rankOf(element), box: { x1: origin.left + b.x1, y1: origin.top + b.y1, x2: origin.left + b.x2, y2: origin.top + b.y2 }, fontPx: (element.numericStyle('font-size') as number) * zoom };
    (element.hasClass('label-hidden') ? out.hidden : out.shown).push(label);
  });
  return out;
}
