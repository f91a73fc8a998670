/**
 * The picture as drawn: the topology projected to a level, with what is folded counted in its
 * aggregate and every problem still drawn on its own. Plain data, shared by the core's projection,
 * both transports and the renderer.
 */
import type { TopologyEdge, TopologyNode } from './model';

/**
 * How deep the picture starts:
 * - `cluster`: namespaces as cells, Nodes as one cell;
 * - `namespace`: entry points, routes, Services and workloads, pods folded into their workload and
 *   EndpointSlices into their Service;
 * - `full`: every object;
 * - `nodes`: Nodes as cells holding their pods (grouped by zone when there are too many Nodes).
 */
export type ViewLevel = 'cluster' | 'namespace' | 'full' | 'nodes';

/** The picture's themes: a saved view names one, and the stylesheet has a palette for each. */
export const THEMES = ['dark', 'light', 'contrast'] as const;
export type Theme = (typeof THEMES)[number];
export const VIEW_LEVELS: readonly ViewLevel[] = ['cluster', 'namespace', 'full', 'nodes'];

/**
 * The most nodes a picture starts with. Above it a person cannot read the picture, and Cytoscape's
 * canvas renderer stops being smooth on a laptop (see docs/scale.md); `auto` picks the deepest level
 * that fits, and the user expands from there.
 */
export const NODE_BUDGET = 3000;

/** Problems an aggregate draws on its own; the rest it lists ("+N more problems"). */
export const PROBLEMS_DRAWN_PER_AGGREGATE = 25;

export interface ViewSpec {
  /** `auto` resolves to the deepest of full, namespace and cluster whose picture fits NODE_BUDGET. */
  level: ViewLevel | 'auto';
  /** Aggregates opened beyond what the level opens. */
  expanded?: string[];
  /** Aggregates folded although the level opens them. */
  collapsed?: string[];
  /** Only these namespaces (and the cluster-scoped objects they connect to); all when absent. */
  namespaces?: string[];
}

/** How many of a kind an aggregate holds, by status where the kind has one. */
export interface HeldCount {
  total: number;
  ready?: number;
  notReady?: number;
  terminating?: number;
}

export interface Aggregate {
  /** Open: drawn as a box around what it holds. Folded: drawn as one node. */
  expanded: boolean;
  /** Everything inside, at any depth, by kind (`Pod`, `Deployment`, `Service`, `Endpoint`, …). */
  holds: Record<string, HeldCount>;
  /** Objects inside with a problem (not ready, missing, referenced but absent, dropped or denied). */
  problems: number;
  /** Problems past PROBLEMS_DRAWN_PER_AGGREGATE, which the aggregate lists instead of drawing. */
  moreProblems: { id: string; problem: string }[];
  /** By Node: the workloads its pods belong to, most pods first (the first few). */
  workloads?: { id: string; name: string; pods: number }[];
}

export interface ViewNode extends TopologyNode {
  /** Set on namespaces, workloads, Services, Nodes and the groups that can fold. */
  aggregate?: Aggregate;
  /** An object drawn on its own (a problem) while the aggregate that holds it is folded: that aggregate. */
  foldedInto?: string;
}

export interface ViewEdge extends TopologyEdge {
  /** How many topology edges this one stands for, when it joins aggregates. */
  count?: number;
}

/** What the picture stands for, whatever is drawn. */
export interface ViewTotals {
  pods: number;
  workloads: number;
  namespaces: number;
  services: number;
  nodes: number;
  /** Every node and edge of the topology. */
  objects: number;
  edges: number;
}

const GROUPED = new Intl.NumberFormat('en-US');
/**
 * A count as the picture prints it, with thousands separators (`30,000`). One formatter serves every
 * count: `toLocaleString` makes one per call, which took most of a 150,000-pod view's subtitles.
 * Most counts are under a thousand, which need no separator and skip the formatter.
 */
export const formatCount = (n: number): string => (Number.isInteger(n) && n >= 0 && n < 1000 && !Object.is(n, -0) ? String(n) : GROUPED.format(n));

const counted = (n: number, one: string) => `${formatCount(n)} ${n === 1 ? one : `${one}s`}`;

/** What a picture stands for, every object counted whatever is folded: `30,000 pods in 3,000 workloads in 300 namespaces`. */
export function describeTotals(totals: ViewTotals): string {
  return `${counted(totals.pods, 'pod')} in ${counted(totals.workloads, 'workload')} in ${counted(totals.namespaces, 'namespace')}`;
}

export interface ViewGraph {
  /** The level the spec resolved to (`auto` never appears here). */
  level: ViewLevel;
  nodes: ViewNode[];
  edges: ViewEdge[];
  totals: ViewTotals;
  /** Every namespace's name, for the namespace picker. */
  namespaces: string[];
}

/** The difference between two views of the same spec: what a client applies to the view it has. */
export interface ViewDelta {
  level: ViewLevel;
  /** Nodes and edges added or changed, whole. */
  nodes: ViewNode[];
  edges: ViewEdge[];
  removedNodes: string[];
  removedEdges: string[];
  totals: ViewTotals;
  namespaces: string[];
}

/**
 * The answer to `view.get`: the whole view, or the delta from the view whose key the client sent.
 * `key` names this view, for the client's next request.
 */
export type ViewUpdate = { key: string; revision: number; view: ViewGraph } | { key: string; revision: number; base: string; delta: ViewDelta };

export interface SearchHit {
  id: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The aggregates that hold it, outermost first: what to expand to draw it. */
  within: string[];
}

export interface SearchResult {
  /** How many objects match; `hits` holds the first of them. */
  total: number;
  hits: SearchHit[];
}
