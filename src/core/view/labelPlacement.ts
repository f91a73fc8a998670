/**
 * Which labels to show when not all of them fit: the most important first, and each one only if it
 * overlaps none already shown. A picture with fewer labels that can all be read beats one where
 * neighbouring columns run into each other.
 */

/** A label's box, in any one coordinate system, with how much it matters (higher first). */
export interface LabelBox {
  id: string;
  rank: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

const KIND_RANKS: Record<string, number> = {
  // A view's notes were written for the audience: they come before any object's name.
  Note: 90,
  Namespace: 60,
  Nodes: 60,
  Zone: 60,
  Ingress: 55,
  Gateway: 55,
  HTTPRoute: 50,
  GRPCRoute: 50,
  Service: 45,
  Workload: 40,
  External: 35,
  Policy: 30,
  Node: 25,
  EndpointSlice: 20,
  Pod: 15,
};

/**
 * How much a label matters. What is wrong comes first (an error before a warning before any other
 * mark), then the layers from the entry points down, then edges; search matches and the hop a
 * walk lights above all, since the user asked for them.
 */
export function labelRank(element: { group: 'nodes' | 'edges'; kind?: string; classes: string }): number {
  const has = (name: string) => (' ' + element.classes + ' ').includes(` ${name} `);
  const trouble = has('finding-error') || has('missing') || has('verdict-dropped') ? 300 : has('finding-warning') ? 200 : has('problem') ? 100 : 0;
  const base = element.group === 'edges' ? 5 : (KIND_RANKS[element.kind ?? ''] ?? 10);
  // Presenter mode's walk lights one hop and fades the rest: the lit hop is named first.
  const walk = has('walk-lit') ? 1000 : has('walk-dimmed') ? -500 : 0;
  return (has('match') ? 1000 : 0) + walk + trouble + base;
}

const intersects = (a: LabelBox, b: LabelBox, gap: number) => a.x1 < b.x2 + gap && b.x1 < a.x2 + gap && a.y1 < b.y2 + gap && b.y1 < a.y2 + gap;

/**
 * The labels to show: greedily by rank (ties by id, so the choice is the same every time), each
 * kept when it lies wholly inside `within` (a label cut at the picture's edge is not shown) and
 * comes no closer than `gap` to any label kept before it. A grid of buckets keeps this near linear.
 */
export function placeLabels(boxes: readonly LabelBox[], options: { within?: { x1: number; y1: number; x2: number; y2: number }; gap?: number } = {}): Set<string> {
  const gap = options.gap ?? 0;
  const within = options.within;
  const candidates = boxes.filter((b) => b.x2 > b.x1 && b.y2 > b.y1 && (!within || (b.x1 >= within.x1 && b.y1 >= within.y1 && b.x2 <= within.x2 && b.y2 <= within.y2)));
  candidates.sort((a, b) => b.rank - a.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Buckets about the size of a typical label: most labels then touch a handful of buckets.
  const heights = candidates.map((b) => b.y2 - b.y1).sort((a, b) => a - b);
  const cell = Math.max(1, 4 * (heights[heights.length >> 1] ?? 1));
  const buckets = new Map<string, LabelBox[]>();
  const shown = new Set<string>();
  for (const box of candidates) {
    const cx1 = Math.floor((box.x1 - gap) / cell);
    const cx2 = Math.floor((box.x2 + gap) / cell);
    const cy1 = Math.floor((box.y1 - gap) / cell);
    const cy2 = Math.floor((box.y2 + gap) / cell);
    let free = true;
    for (let cx = cx1; cx <= cx2 && free; cx++) {
      for (let cy = cy1; cy <= cy2 && free; cy++) {
        for (const other of buckets.get(`${cx},${cy}`) ?? []) {
          if (intersects(box, other, gap)) {
            free = false;
            break;
          }
        }
      }
    }
    if (!free) continue;
    shown.add(box.id);
    for (let cx = cx1; cx <= cx2; cx++) {
      for (let cy = cy1; cy <= cy2; cy++) {
        const key = `${cx},${cy}`;
        const bucket = buckets.get(key);
        if (bucket) bucket.push(box);
        else buckets.set(key, [box]);
      }
    }
  }
  return shown;
}
