import type { TopologyEdge, TopologyNode } from '../../shared/model';
import type { ViewLevel, ViewNode } from '../../shared/view';

/** One node to place: its column (layer), its band (namespace) and its order within the column. */
export interface LayoutItem {
  id: string;
  column: number;
  band: string;
  sortKey: string;
  /** Pods of one workload are kept together. */
  group?: string;
  /**
   * Placed in the grid of cells above the layers: a cell itself (a folded namespace, the Nodes, a
   * zone), or, `within` a cell, one of the problems it draws on its own.
   */
  grid?: { within?: string };
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
  /** Columns of the grid of cells; 0 until there are cells. Grid rows count up to -1, just above the layers. */
  gridColumns?: number;
  /**
   * Where each cell (not the problems after it) has stood, kept while it is away: an expanded
   * namespace leaves its cell empty, and collapsing it puts the cell back in the same place.
   */
  cellSlots?: Record<string, string>;
}

export const COLUMN_WIDTH = 240;
export const ROW_HEIGHT = 52;
/** Gap between namespace bands, in rows, so that the boxes drawn around them don't touch. */
const BAND_GAP = 1;
/** Free rows a band gets beyond what it needs now, so a scale-up fits without moving other bands. */
const slack = (rows: number) => Math.max(1, Math.ceil(rows * 0.15));

/** The layer of each kind, left to right: entry points, routes, Services, slices, Pods, Nodes. */
const COLUMN: Record<string, number> = { Ingress: 0, Gateway: 0, HTTPRoute: 1, GRPCRoute: 1, Service: 2, EndpointSlice: 3, Pod: 4, Workload: 4, Node: 5 };
/** Cluster-scoped Nodes form their own band at the top of the Node column. */
export const NODE_BAND = '~nodes';
const GRID = '~grid';
const UNSCHEDULED_BAND = 'not scheduled';
/** Cells are taller than layer rows: they carry a line of counts under their name. */
export const CELL_HEIGHT = 3 * ROW_HEIGHT;
/** The problems a cell draws on its own sit under its name, five to a row (at most PROBLEMS_DRAWN_PER_AGGREGATE). */
const INSIDE_PER_ROW = 5;
const INSIDE_DX = 44;
const INSIDE_DY = 22;
const INSIDE_TOP = 48;

/** Whether a node is a cell of the grid: a folded namespace or group, or, by Node, every Node and zone. */
function isCell(node: ViewNode | undefined, level: ViewLevel): boolean {
  if (!node) return false;
  if (level === 'nodes') return node.kind === 'Node' || node.kind === 'Zone' || node.kind === 'Nodes';
  return (node.kind === 'Namespace' || node.kind === 'Nodes' || node.kind === 'Zone') && node.aggregate !== undefined && !node.aggregate.expanded;
}

/** Whether a node is drawn as a box around what it holds, and so gets no place of its own. */
export function isBox(node: ViewNode): boolean {
  return (node.kind === 'Namespace' || node.kind === 'Workload' || node.kind === 'Nodes') && (!node.aggregate || node.aggregate.expanded);
}

/**
 * Placed things in reading order, for the keyboard and the table view: band by band from the top (a
 * namespace, the Nodes), and within a band layer by layer from the entry points to the Nodes, each
 * column top to bottom.
 */
export function readingOrder<T extends { id: string; band: string; x: number; y: number }>(items: readonly T[]): T[] {
  const bandTop = new Map<string, number>();
  for (const item of items) bandTop.set(item.band, Math.min(bandTop.get(item.band) ?? Infinity, item.y));
  const column = (x: number) => Math.round(x / (COLUMN_WIDTH / 2));
  return [...items].sort((a, b) => bandTop.get(a.band)! - bandTop.get(b.band)! || (a.band < b.band ? -1 : a.band > b.band ? 1 : 0) || column(a.x) - column(b.x) || a.y - b.y || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * What to place for a view (or a whole topology). Expanded namespaces, workloads and the Nodes
 * group are boxes around their members, so they get no slot. Folded namespaces and groups are
 * cells of a grid above the layers, each followed by the problems it draws on its own. An External
 * sits in its neighbour's band: beside the entry points when it is a load-balancer address, beside
 * the slices when it is a target.
 */
export function layoutItems(view: { nodes: readonly ViewNode[]; edges: readonly TopologyEdge[] }, level: ViewLevel = 'full'): LayoutItem[] {
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  const externalPlace = new Map<string, { column: number; band: string }>();
  /** By Node, the Node each drawn pod runs on. */
  const hostOf = new Map<string, string>();
  for (const edge of view.edges) {
    if (edge.type === 'pod-node') hostOf.set(edge.source, edge.target);
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (source?.kind === 'External' && !externalPlace.has(source.id)) externalPlace.set(source.id, { column: 0, band: target?.namespace ?? '' });
    if (target?.kind === 'External' && !externalPlace.has(target.id)) externalPlace.set(target.id, { column: 3, band: source?.namespace ?? '' });
  }
  const items: LayoutItem[] = [];
  for (const node of view.nodes) {
    if (level !== 'nodes' && isBox(node)) continue;
    const anchor = node.foldedInto;
    if (isCell(node, level) && !(anchor && isCell(byId.get(anchor), level))) {
      items.push({ id: node.id, column: 0, band: GRID, sortKey: cellKey(node), grid: {} });
      continue;
    }
    if (anchor && isCell(byId.get(anchor), level)) {
      items.push({ id: node.id, column: 0, band: GRID, sortKey: `${cellKey(byId.get(anchor)!)}\u0001${node.id}`, grid: { within: anchor } });
      continue;
    }
    // By Node, the pods of an opened Node (or of the unscheduled group) get a band of their own below the cells.
    const band = level === 'nodes' ? (hostOf.get(node.id) ?? UNSCHEDULED_BAND) : node.kind === 'Node' ? NODE_BAND : (node.namespace ?? '');
    const place = node.kind === 'External' ? (externalPlace.get(node.id) ?? { column: 3, band: '' }) : { column: COLUMN[node.kind] ?? 3, band };
    const group = node.kind === 'Workload' ? node.id : node.workload;
    items.push({ id: node.id, column: place.column, band: place.band, sortKey: sortKey(node), ...(group ? { group } : {}) });
  }
  return items;
}

/** The grid reads like the namespace list: the Nodes first, then namespaces and zones by name. */
function cellKey(node: ViewNode): string {
  return node.kind === 'Nodes' ? `\u0000${node.id}` : `${node.kind === 'Namespace' ? 'b' : 'a'}\u0000${node.name}\u0000${node.id}`;
}

function sortKey(node: TopologyNode): string {
  return `${node.workload ?? (node.kind === 'Workload' ? node.id : '')}\u0000${node.kind}\u0000${node.name}`;
}

const slotKey = (band: string, column: number, row: number) => `${band}|${column}|${row}`;

function compareBands(a: string, b: string): number {
  if (a === NODE_BAND || b === NODE_BAND) return a === NODE_BAND ? -1 : b === NODE_BAND ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A fresh layout: bands in name order, each column sorted, with some free rows per band. */
function freshLayout(items: readonly LayoutItem[]): LayoutState {
  const state: LayoutState = { positions: {}, bands: [], slots: {} };
  const cells = items.filter((i) => i.grid && !i.grid.within).sort(bySortKey);
  if (cells.length) {
    const columns = gridColumnsFor(cells.length);
    const rows = Math.ceil(cells.length / columns);
    state.gridColumns = columns;
    cells.forEach((cell, i) => placeCell(state, cell.id, i % columns, Math.floor(i / columns) - rows));
  }
  placeInsideCells(state, items);
  const byBand = groupBy(
    items.filter((i) => !i.grid),
    (i) => i.band,
  );
  let top = 0;
  for (const band of [...byBand.keys()].sort(compareBands)) {
    const members = byBand.get(band)!;
    const columns = groupBy(members, (i) => i.column);
    const needed = Math.max(...[...columns.values()].map((c) => c.length));
    // The Node band shares the top rows with the first namespace; it does not push the others down.
    const rows = band === NODE_BAND ? needed : needed + slack(needed);
    state.bands.push({ name: band, top: band === NODE_BAND ? 0 : top, rows });
    for (const list of columns.values()) {
      list.sort(bySortKey);
      list.forEach((item, row) => place(state, item, row));
    }
    if (band !== NODE_BAND) top += rows + BAND_GAP;
  }
  return state;
}

const bySortKey = (a: LayoutItem, b: LayoutItem) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0);

/** About as wide as tall on a landscape screen: cells are wider than they are tall. */
function gridColumnsFor(cells: number): number {
  return Math.max(4, Math.ceil(Math.sqrt(cells * 0.7)));
}

/** A reserved slot's occupant: the cell that stood there is away. */
const AWAY = '';

function placeCell(state: LayoutState, id: string, column: number, row: number): void {
  const key = slotKey(GRID, column, row);
  state.slots[key] = id;
  (state.cellSlots ??= {})[id] = key;
  state.positions[id] = { x: column * COLUMN_WIDTH, y: row * CELL_HEIGHT - ROW_HEIGHT };
}

/** Objects drawn inside cells: under the cell's name, in id order, five to a row. They take no slot. */
function placeInsideCells(state: LayoutState, items: readonly LayoutItem[]): void {
  const inside = groupBy(
    items.filter((i) => i.grid?.within && state.positions[i.grid.within]),
    (i) => i.grid!.within!,
  );
  for (const [cell, members] of inside) {
    const origin = state.positions[cell];
    members.sort(bySortKey).forEach((item, i) => {
      const column = i % INSIDE_PER_ROW;
      const row = Math.floor(i / INSIDE_PER_ROW);
      state.positions[item.id] = { x: origin.x + (column - (INSIDE_PER_ROW - 1) / 2) * INSIDE_DX, y: origin.y + INSIDE_TOP + row * INSIDE_DY };
    });
  }
}

/** A free cell for a newcomer: the first in reading order, else a new row on top, so that nothing placed moves. */
function freeCell(state: LayoutState): { column: number; row: number } {
  const columns = state.gridColumns!;
  let top = -1;
  for (const key of Object.keys(state.slots)) if (key.startsWith(`${GRID}|`)) top = Math.min(top, Number(key.split('|')[2]));
  for (let i = top * columns; i < 0; i++) {
    const row = Math.floor(i / columns);
    const column = i - row * columns;
    if (state.slots[slotKey(GRID, column, row)] === undefined) return { column, row };
  }
  return { column: 0, row: top - 1 };
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

/** Scopes whose layouts are kept, most recent first. */
const SCOPES_KEPT = 8;

/**
 * The layout a view continues from, per scope key (source, level, namespaces, re-layouts): going
 * back to a scope continues its layout, and a key never seen (the user asking for a fresh layout)
 * starts afresh.
 */
export class LayoutMemory {
  private readonly kept = new Map<string, LayoutState>();

  previous(key: string): LayoutState | undefined {
    return this.kept.get(key);
  }

  remember(key: string, state: LayoutState): LayoutState {
    this.kept.delete(key);
    this.kept.set(key, state);
    for (const old of this.kept.keys()) if (this.kept.size > SCOPES_KEPT) this.kept.delete(old);
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
  const state: LayoutState = { positions: {}, bands: previous.bands.map((b) => ({ ...b })), slots: {}, ...(previous.cellSlots ? { cellSlots: { ...previous.cellSlots } } : {}) };
  const rowOf = new Map<string, number>();  // rows of the nodes that stay
  for (const [key, id] of Object.entries(previous.slots)) {
    if (!present.has(id)) continue;
    state.slots[key] = id;
    state.positions[id] = previous.positions[id];
    rowOf.set(id, Number(key.split('|')[2]));
  }
  // Cells that are away keep their slots for their return.
  for (const [id, key] of Object.entries(state.cellSlots ?? {})) if (!present.has(id) && state.slots[key] === undefined) state.slots[key] = AWAY;
  const newcomers = items.filter((i) => !(i.id in state.positions)).sort(bySortKey);
  state.gridColumns = previous.gridColumns || gridColumnsFor(items.filter((i) => i.grid && !i.grid.within).length);
  const groupRow = new Map<string, number>();
  for (const item of items) {
    const row = rowOf.get(item.id);
    if (item.group && row !== undefined) groupRow.set(item.group, Math.max(row, groupRow.get(item.group) ?? -1));
  }
  // Where the search for a free row starts in each band and column: rows above it are taken.
  const firstFree = new Map<string, number>();
  for (const item of newcomers) {
    if (item.grid) {
      if (item.grid.within) continue;
      const home = state.cellSlots?.[item.id];
      const cell = home && state.slots[home] === AWAY ? { column: Number(home.split('|')[1]), row: Number(home.split('|')[2]) } : freeCell(state);
      placeCell(state, item.id, cell.column, cell.row);
      continue;
    }
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
  placeInsideCells(state, items);
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
