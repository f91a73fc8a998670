import { describe, expect, it } from 'vitest';
import type { ViewEdge, ViewGraph, ViewNode } from '../../shared/view';
import { applyViewDelta, diffViews } from './viewDelta';

const node = (id: string, facts: ViewNode['facts'] = {}): ViewNode => ({ id, kind: 'Pod', name: id, facts, problems: [] });
const edge = (id: string, count: number): ViewEdge => ({ id, source: 'a', target: 'b', type: 'observed', ports: [{ containerPort: 80, protocol: 'TCP' }], problems: [], count });
const graph = (nodes: ViewNode[], edges: ViewEdge[] = []): ViewGraph => ({ level: 'namespace', nodes, edges, totals: { pods: nodes.length, workloads: 0, namespaces: 0, services: 0, nodes: 0, objects: nodes.length, edges: edges.length }, namespaces: [] });
const byId = (view: ViewGraph) => ({ nodes: new Map(view.nodes.map((n) => [n.id, n])), edges: new Map(view.edges.map((e) => [e.id, e])) });

/** A deterministic generator: the same seed, the same views. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('diffViews and applyViewDelta', () => {
  it('sends only what changed, and the delta rebuilds the new view, whatever moved where', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const next = random(seed);
      const before = graph(
        Array.from({ length: 40 }, (_, i) => node(`n${i}`, { ready: i % 2 === 0 })),
        Array.from({ length: 30 }, (_, i) => edge(`e${i}`, i)),
      );
      // Copies equal in content (a new projection makes new objects), a few changed, removed and added, anywhere.
      const nodes = before.nodes.filter(() => next() > 0.1).map((n) => (next() < 0.1 ? node(n.id, { ready: 'changed' }) : { ...n, facts: { ...n.facts } }));
      for (let i = 0; i < 3; i++) nodes.splice(Math.floor(next() * nodes.length), 0, node(`new${seed}-${i}`));
      const edges = before.edges.filter(() => next() > 0.1).map((e) => (next() < 0.1 ? edge(e.id, e.count! + 1) : { ...e, ports: e.ports.map((p) => ({ ...p })) }));
      const after = graph(nodes, edges);
      const delta = diffViews(before, after);
      expect(byId(applyViewDelta(before, delta))).toEqual(byId(after));
      const old = byId(before);
      expect(delta.nodes.every((n) => JSON.stringify(n) !== JSON.stringify(old.nodes.get(n.id)))).toBe(true);
      expect(delta.edges.every((e) => JSON.stringify(e) !== JSON.stringify(old.edges.get(e.id)))).toBe(true);
    }
  });

  it('compares as JSON does: a field set to undefined is no field, and the order of fields does not matter', () => {
    const before = graph([{ ...node('a'), foldedInto: undefined }, node('b', { x: 1, y: 2 })]);
    const after = graph([node('a'), node('b', { y: 2, x: 1 })]);
    expect(diffViews(before, after).nodes).toEqual([]);
    expect(diffViews(before, graph([node('a'), node('b', { x: 1, y: 3 })])).nodes.map((n) => n.id)).toEqual(['b']);
    expect(diffViews(before, graph([node('a'), node('b', { x: 1 })])).nodes.map((n) => n.id)).toEqual(['b']);
  });

  it('keeps the list of namespaces the same object while its names stay the same', () => {
    const before = { ...graph([node('a')]), namespaces: ['shop', 'web'] };
    const same = applyViewDelta(before, diffViews(before, { ...graph([node('b')]), namespaces: ['shop', 'web'] }));
    expect(same.namespaces).toBe(before.namespaces);
    const grown = applyViewDelta(before, diffViews(before, { ...graph([node('b')]), namespaces: ['shop', 'web', 'zoo'] }));
    expect(grown.namespaces).toEqual(['shop', 'web', 'zoo']);
  });
});
