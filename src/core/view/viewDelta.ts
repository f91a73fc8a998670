import type { ViewDelta, ViewGraph } from '../../shared/view';

/**
 * Whether two values are the same JSON: elements the topology did not rebuild are the same object,
 * and the others (every aggregate and joined edge of a new view) are compared field by field, which
 * stops at the first difference instead of writing out both.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // A field set to undefined is no field in JSON.
  let fields = 0;
  for (const key in x) {
    if (x[key] === undefined) continue;
    fields++;
    if (!sameJson(x[key], y[key])) return false;
  }
  for (const key in y) if (y[key] !== undefined) fields--;
  return fields === 0;
}

/** Whether two drawn elements differ. */
function differs<T>(a: T, b: T): boolean {
  return !sameJson(a, b);
}

function diffById<T extends { id: string }>(before: readonly T[], after: readonly T[]): { changed: T[]; removed: string[] } {
  const changed: T[] = [];
  // Two views of one spec list most elements in the same order: the runs they start and end with
  // are paired by position, and only what lies between by id.
  let head = 0;
  while (head < before.length && head < after.length && before[head].id === after[head].id) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail].id === after[after.length - 1 - tail].id) tail++;
  for (let i = 0; i < head; i++) if (differs(before[i], after[i])) changed.push(after[i]);
  const old = new Map<string, T>();
  for (let i = head; i < before.length - tail; i++) old.set(before[i].id, before[i]);
  for (let i = head; i < after.length - tail; i++) {
    const item = after[i];
    const was = old.get(item.id);
    old.delete(item.id);
    if (!was || differs(was, item)) changed.push(item);
  }
  for (let i = tail; i > 0; i--) if (differs(before[before.length - i], after[after.length - i])) changed.push(after[after.length - i]);
  return { changed, removed: [...old.keys()] };
}

/** What turns `before` into `after`: the changed and added elements whole, and the ids removed. */
export function diffViews(before: ViewGraph, after: ViewGraph): ViewDelta {
  const nodes = diffById(before.nodes, after.nodes);
  const edges = diffById(before.edges, after.edges);
  return { level: after.level, nodes: nodes.changed, edges: edges.changed, removedNodes: nodes.removed, removedEdges: edges.removed, totals: after.totals, namespaces: after.namespaces };
}

function applyById<T extends { id: string }>(items: readonly T[], changed: readonly T[], removed: readonly string[]): T[] {
  const gone = new Set(removed);
  const replacements = new Map(changed.map((item) => [item.id, item]));
  const out: T[] = [];
  for (const item of items) {
    if (gone.has(item.id)) continue;
    const replacement = replacements.get(item.id);
    out.push(replacement ?? item);
    replacements.delete(item.id);
  }
  for (const added of replacements.values()) out.push(added);
  return out;
}

/**
 * The view a client has, brought forward by a delta. Elements it did not change stay the same
 * objects, and so does the list of namespaces while its names stay the same: what is drawn from it
 * (the namespace filter's 500 checkboxes) is then left alone.
 */
export function applyViewDelta(view: ViewGraph, delta: ViewDelta): ViewGraph {
  return {
    level: delta.level,
    nodes: applyById(view.nodes, delta.nodes, delta.removedNodes),
    edges: applyById(view.edges, delta.edges, delta.removedEdges),
    totals: delta.totals,
    namespaces: sameJson(view.namespaces, delta.namespaces) ? view.namespaces : delta.namespaces,
  };
}
