import type { Topology, TopologyNode } from '../../shared/model';

/** One node to place: its column (layer), its band (namespace) and its order within the column. */
export interface LayoutItem {
  id: string;
  column: number;
  band: string;
  sortKey: string;
  /** Pods of one workload are kept together. */
  group?: string;
}

export interface Point {
  x: number;
  y: number;
}

/**
 * A layout, kept between updates so that the picture doesn't dance: nodes that stay keep their
 * places, new ones take free slots in their band, and a band only grows (moving the bands below it
 * as one piece) when it has no free slot left.
 */
export interface LayoutState {
  positions: Record<string, Point>;
  /** Band name → first row and row count, in order from the top. */
  bands: { name: string; top: number; rows: number }[];
  /** `band|column|row` → node id. */
  slots: Record<string, string>;
}

export const COLUMN_WIDTH = 240;
export const ROW_HEIGHT = 52;
/** Gap between namespace bands, in rows, so that the boxes drawn around them don't touch. */
const BAND_GAP = 1;
/** Free rows a band gets beyond what it needs now, so a scale-up fits without moving other bands. */
const slack = (rows: number) => Math.max(1, Math.ceil(rows * 0.15));

/** The layer of each kind, left to right: entry points, routes, Services, slices, Pods, Nodes. */
const COLUMN: Record<string, number> = { Ingress: 0, Gateway: 0, HTTPRoute: 1, GRPCRoute: 1, Service: 2, EndpointSlice: 3, Pod: 4, Node: 5 };
/** Cluster-scoped Nodes form their own band at the top of the Node column. */
export const NODE_BAND = '~nodes';

/**
 * What to place for a topology. Namespaces and workloads are drawn as boxes around their members,
 * so they get no slot. An External sits in its neighbour's band: beside the entry points when it
 * is a load-balancer address, beside the slices when it is a target.
 */
export function layoutItems(topology: Topology): LayoutItem[] {
  const byId = new Map(topology.nodes.map((n) => [n.id, n]));
  const externalPlace = new Map<string, { column: number; band: string }>();
  for (const edge of topology.edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (source?.kind === 'External' && !externalPlace.has(source.id)) externalPlace.set(source.id, { column: 0, band: target?.namespace ?? '' });
    if (target?.kind === 'External' && !externalPlace.has(target.id)) externalPlace.set(target.id, { column: 3, band: source?.namespace ?? '' });
  }
  const items: LayoutItem[] = [];
  for (const node of topology.nodes) {
    if (node.kind === 'Namespace' || node.kind === 'Workload') continue;
    const place = node.kind === 'External' ? (externalPlace.get(node.id) ?? { column: 3, band: '' }) : { column: COLUMN[node.kind] ?? 3, band: node.kind === 'Node' ? NODE_BAND : (node.namespace ?? '') };
    items.push({ id: node.id, column: place.column, band: place.band, sortKey: sortKey(node), ...(node.workload ? { group: node.workload } : {}) });
  }
  return items;
}

function sortKey(node: TopologyNode): string {
  return `${node.workload ?? ''}\u0000${node.kind}\u0000${node.name}`;
}

const slotKey = (band: string, column: number, row: number) => `${band}|${column}|${row}`;

function compareBands(a: string, b: string): number {
  if (a === NODE_BAND || b === NODE_BAND) return a === NODE_BAND ? -1 : b === NODE_BAND ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A fresh layout: bands in name order, each column sorted, with some free rows per band. */
function freshLayout(items: readonly LayoutItem[]): LayoutState {
  const state: LayoutState = { positions: {}, bands: [], slots: {} };
  const byBand = groupBy(items, (i) => i.band);
  let top = 0;
  for (const band of [...byBand.keys()].sort(compareBands)) {
    const members = byBand.get(band)!;
    const columns = groupBy(members, (i) => i.column);
    const needed = Math.max(...[...columns.values()].map((c) => c.length));
    // The Node band shares the top rows with the first namespace; it does not push the others down.
    const rows = band === NODE_BAND ? needed : needed + slack(needed);
    state.bands.push({ name: band, top: band === NODE_BAND ? 0 : top, rows });
    for (const list of columns.values()) {
      list.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
      list.forEach((item, row) => place(state, item, row));
    }
    if (band !== NODE_BAND) top += rows + BAND_GAP;
  }
  return state;
}

function groupBy<K, T>(list: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of list) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function place(state: LayoutState, item: LayoutItem, row: number, band = state.bands.find((b) => b.name === item.band)!): void {
  state.slots[slotKey(item.band, item.column, row)] = item.id;
  state.positions[item.id] = { x: item.column * COLUMN_WIDTH, y: (band.top + row) * ROW_HEIGHT };
}

/**
 * The layout a view continues from, per reset key: a new key (another source, or the user asking
 * for a fresh layout) starts afresh.
 */
export class LayoutMemory {
  private last?: { key: string; state: LayoutState };

  previous(key: string): LayoutState | undefined {
    return this.last?.key === key ? this.last.state : undefined;
  }

  remember(key: string, state: LayoutState): LayoutState {
    this.last = { key, state };
    return state;
  }
}

/**
 * Places `items`, keeping every position `previous` had for an item that is still there.
 * Deterministic: the same items and previous state give the same result.
 */
export function layoutTopology(items: readonly LayoutItem[], previous?: LayoutState): LayoutState {
  if (!previous || Object.keys(previous.positions).length === 0) return freshLayout(items);
  const present = new Set(items.map((i) => i.id));
  const state: LayoutState = { positions: {}, bands: previous.bands.map((b) => ({ ...b })), slots: {} };
  const rowOf = new Map<string, number>();  // rows of the nodes that stay
  for (const [key, id] of Object.entries(previous.slots)) {
    if (!present.has(id)) continue;
    state.slots[key] = id;
    state.positions[id] = previous.positions[id];
    rowOf.set(id, Number(key.split('|')[2]));
  }
  const newcomers = items.filter((i) => !(i.id in state.positions)).sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const groupRow = new Map<string, number>();
  for (const item of items) {
    const row = rowOf.get(item.id);
    if (item.group && row !== undefined) groupRow.set(item.group, Math.max(row, groupRow.get(item.group) ?? -1));
  }
  // Where the search for a free row starts in each band and column: rows above it are taken.
  const firstFree = new Map<string, number>();
  for (const item of newcomers) {
    let band = state.bands.find((b) => b.name === item.band);
    if (!band) {
      const last = state.bands.filter((b) => b.name !== NODE_BAND).at(-1);
      band = { name: item.band, top: last ? last.top + last.rows + BAND_GAP : 0, rows: 1 + slack(1) };
      state.bands.push(band);
    }
    // Beside its siblings if that row is free, else the first free row, else a new row at the bottom.
    const free = (row: number) => row >= 0 && row < band.rows && !state.slots[slotKey(band.name, item.column, row)];
    const preferred = item.group && groupRow.has(item.group) ? groupRow.get(item.group)! + 1 : -1;
    const scanKey = `${band.name}|${item.column}`;
    let row = preferred;
    if (!free(row)) {
      row = firstFree.get(scanKey) ?? 0;
      while (row < band.rows && !free(row)) row++;
      firstFree.set(scanKey, row);
    }
    if (row >= band.rows) {
      row = band.rows;
      growBand(state, band, slack(band.rows));
    }
    place(state, item, row, band);
    if (item.group) groupRow.set(item.group, Math.max(row, groupRow.get(item.group) ?? -1));
  }
  return state;
}

/** Adds rows to a band and moves every band below it down by the same amount, each as one piece. */
function growBand(state: LayoutState, band: LayoutState['bands'][number], extra: number): void {
  band.rows += extra;
  if (band.name === NODE_BAND) return;
  for (const other of state.bands) {
    if (other === band || other.name === NODE_BAND || other.top <= band.top) continue;
    other.top += extra;
    for (const [key, id] of Object.entries(state.slots)) {
      if (key.startsWith(`${other.name}|`)) state.positions[id] = { x: state.positions[id].x, y: state.positions[id].y + extra * ROW_HEIGHT };
    }
  }
}
