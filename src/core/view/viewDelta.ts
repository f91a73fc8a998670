import type { ViewDelta, ViewGraph } from '../../shared/view';

/** Whether two drawn elements differ; elements the topology did not rebuild are the same object. */
function differs<T>(a: T, b: T): boolean {
  return a !== b && JSON.stringify(a) !== JSON.stringify(b);
}

function diffById<T extends { id: string }>(before: readonly T[], after: readonly T[]): { changed: T[]; removed: string[] } {
  const old = new Map(before.map((item) => [item.id, item]));
  const changed: T[] = [];
  for (const item of after) {
    const was = old.get(item.id);
    old.delete(item.id);
    if (!was || differs(was, item)) changed.push(item);
  }
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

/** The view a client has, brought forward by a delta. Elements it did not change stay the same objects. */
export function applyViewDelta(view: ViewGraph, delta: ViewDelta): ViewGraph {
  return {
    level: delta.level,
    nodes: applyById(view.nodes, delta.nodes, delta.removedNodes),
    edges: applyById(view.edges, delta.edges, delta.removedEdges),
    totals: delta.totals,
    namespaces: delta.namespaces,
  };
}
