import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../core/topology/buildTopology';
import { node, pod, service } from '../../core/testing/manifests';
import { projectView } from '../../core/view/projectView';
import type { ViewSpec } from '../../shared/view';
import type { LayoutItem, LayoutState } from './layout';
import { CELL_HEIGHT, COLUMN_WIDTH, layoutItems, layoutTopology, readingOrder } from './layout';

const pods = (namespace: string, names: string[], workload = `Deployment/${namespace}/web`): LayoutItem[] =>
  names.map((name) => ({ id: `Pod/${namespace}/${name}`, column: 4, band: namespace, sortKey: `${workload}\u0000${name}`, group: workload }));

describe('layered layout', () => {
  it('puts each kind in its layer, left to right, and Nodes in their own band', () => {
    const topology = buildTopology({
      objects: [node('n1'), service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] }), pod('shop', 'web-1', { labels: { app: 'web' }, node: 'n1' })],
    });
    const state = layoutTopology(layoutItems(topology));
    expect(state.positions['Service/shop/web'].x).toBe(2 * COLUMN_WIDTH);
    expect(state.positions['Pod/shop/web-1'].x).toBe(4 * COLUMN_WIDTH);
    expect(state.positions['Node/n1'].x).toBe(5 * COLUMN_WIDTH);
    expect(state.positions['Namespace/shop']).toBeUndefined();
  });

  it('is deterministic', () => {
    const items = [...pods('shop', ['b', 'a', 'c']), ...pods('data', ['x'])];
    expect(layoutTopology(items)).toEqual(layoutTopology([...items].reverse()));
  });

  it('keeps every remaining node in place when nodes are added and removed', () => {
    const before = [...pods('alpha', ['a1', 'a2', 'a3']), ...pods('beta', ['b1', 'b2'])];
    const first = layoutTopology(before);
    const after = [...before.filter((i) => i.id !== 'Pod/alpha/a2'), ...pods('alpha', ['a4']), ...pods('gamma', ['g1'])];
    const second = layoutTopology(after, first);
    for (const item of before.filter((i) => i.id !== 'Pod/alpha/a2')) expect(second.positions[item.id]).toEqual(first.positions[item.id]);
    expect(second.positions['Pod/alpha/a2']).toBeUndefined();
    // The newcomer reuses a free slot in its own band, and no two nodes share a place.
    const places = Object.values(second.positions).map((p) => `${p.x},${p.y}`);
    expect(new Set(places).size).toBe(places.length);
    expect(second.positions['Pod/gamma/g1'].y).toBeGreaterThan(second.positions['Pod/beta/b2'].y);
  });

  it('moves the bands below as one piece when a band runs out of room, keeping their shape', () => {
    const first = layoutTopology([...pods('alpha', ['a1']), ...pods('beta', ['b1', 'b2'])]);
    const grown = [...pods('alpha', ['a1', 'a2', 'a3', 'a4', 'a5']), ...pods('beta', ['b1', 'b2'])];
    const second = layoutTopology(grown, first);
    expect(second.positions['Pod/alpha/a1']).toEqual(first.positions['Pod/alpha/a1']);
    const gap = (s: typeof first) => s.positions['Pod/beta/b2'].y - s.positions['Pod/beta/b1'].y;
    expect(gap(second)).toBe(gap(first));
    const lowestAlpha = Math.max(...['a1', 'a2', 'a3', 'a4', 'a5'].map((n) => second.positions[`Pod/alpha/${n}`].y));
    expect(second.positions['Pod/beta/b1'].y).toBeGreaterThan(lowestAlpha);
  });
});

describe('the grid of cells', () => {
  const topology = buildTopology({
    objects: [
      node('n1'),
      ...['a', 'b', 'c', 'd', 'e', 'f'].flatMap((ns) => [service(ns, 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] }), pod(ns, 'web-1', { labels: { app: 'web' }, node: 'n1', ready: ns !== 'c', owner: { kind: 'ReplicaSet', name: 'web-rs' } })]),
    ],
  });
  const layoutOf = (spec: ViewSpec, previous?: LayoutState) => {
    const view = projectView(topology, spec);
    return layoutTopology(layoutItems(view, view.level), previous);
  };

  it('lays folded namespaces out as cells in name order, above the layers, with the problems they draw inside them', () => {
    const state = layoutOf({ level: 'cluster' });
    const cells = ['Nodes/all', ...['a', 'b', 'c', 'd', 'e', 'f'].map((ns) => `Namespace/${ns}`)].map((id) => state.positions[id]);
    // Reading order: left to right, then down; every cell above the layers (y < 0).
    for (let i = 1; i < cells.length; i++) expect(cells[i].y > cells[i - 1].y || (cells[i].y === cells[i - 1].y && cells[i].x > cells[i - 1].x)).toBe(true);
    expect(cells.every((p) => p.y < 0)).toBe(true);
    // c's not-ready pod sits inside c's cell, under its name.
    const problem = state.positions['Pod/c/web-1'];
    expect(Math.abs(problem.x - state.positions['Namespace/c'].x)).toBeLessThan(COLUMN_WIDTH / 2);
    expect(problem.y - state.positions['Namespace/c'].y).toBeGreaterThan(0);
    expect(problem.y - state.positions['Namespace/c'].y).toBeLessThan(CELL_HEIGHT);
  });

  it('keeps every cell in place when one is expanded, and puts it back in its own place when folded again', () => {
    const folded = layoutOf({ level: 'cluster' });
    const expanded = layoutOf({ level: 'cluster', expanded: ['Namespace/b'] }, folded);
    for (const id of ['Nodes/all', 'Namespace/a', 'Namespace/c', 'Namespace/f']) expect(expanded.positions[id]).toEqual(folded.positions[id]);
    // b's objects are laid out in the layers below the grid; its cell stays empty.
    expect(expanded.positions['Service/b/web'].y).toBeGreaterThan(folded.positions['Namespace/f'].y);
    expect(expanded.positions['Namespace/b']).toBeUndefined();
    const again = layoutOf({ level: 'cluster' }, expanded);
    expect(again.positions['Namespace/b']).toEqual(folded.positions['Namespace/b']);
  });
});

describe('readingOrder', () => {
  it('reads band by band from the top, then layer by layer from the entry points, each column top to bottom', () => {
    const at = (id: string, band: string, x: number, y: number) => ({ id, band, x, y });
    const order = readingOrder([at('shop/pod-b', 'shop', 720, 104), at('data/svc', 'data', 240, 0), at('shop/svc', 'shop', 240, 52), at('shop/pod-a', 'shop', 720, 52), at('shop/ingress', 'shop', 0, 104), at('data/pod', 'data', 720, 0)]);
    expect(order.map((o) => o.id)).toEqual(['data/svc', 'data/pod', 'shop/ingress', 'shop/svc', 'shop/pod-a', 'shop/pod-b']);
  });
});
