/** Read-only hooks on the drawn graph, for end-to-end tests and bug reports: what is drawn, and where. */
export interface GraphHooks {
  /** A node's box in page coordinates, or null when it is not drawn. */
  renderedBox(id: string): { x: number; y: number; w: number; h: number } | null;
  ids(): string[];
  /** The classes a drawn element carries (kind, problem, diff marks…). */
  classes(id: string): string[];
}

declare global {
  interface Window {
    strataGraph?: GraphHooks;
  }
}
