import type { ShownLabel } from './labels';

/** Hooks on the drawn graph, for end-to-end tests, benchmarks and bug reports: what is drawn, where, and how. */
export interface GraphHooks {
  /** An element's box (a node's, or an edge's around its line) in page coordinates, or null when it is not drawn. */
  renderedBox(id: string): { x: number; y: number; w: number; h: number } | null;
  ids(): string[];
  /** The classes a drawn element carries (kind, problem, diff marks…). */
  classes(id: string): string[];
  /** Which Cytoscape renderer draws: WebGL where the browser has WebGL2, else the 2D canvas. */
  renderer(): 'webgl' | 'canvas';
  /**
   * The view drawn; `painted` grows each time an update has been applied and a frame drawn after it. `sync` is the
   * status's, which describes the picture of revision `statusRevision`: the view drawn may still be of an earlier one.
   */
  view(): { revision: number; level: string; drawnNodes: number; drawnEdges: number; painted: number; sync: string; statusRevision: number };
  /**
   * The labels on screen, shown and hidden, with their boxes in page pixels, and the canvas's box; `placed` grows each
   * time the labels have been chosen (after a zoom, a pan or an update has settled), which took `lastMs`; `waiting`
   * says a choice is due (something changed since).
   */
  labels(): { placed: number; lastMs: number; waiting: boolean; shown: ShownLabel[]; hidden: ShownLabel[]; canvas: { x1: number; y1: number; x2: number; y2: number } };
  /** Open or fold an aggregate, as a double-click does. */
  expand(id: string): void;
  collapse(id: string): void;
}

declare global {
  interface Window {
    strataGraph?: GraphHooks;
  }
}
