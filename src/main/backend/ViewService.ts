import { projectView } from '../../core/view/projectView';
import { searchObjects } from '../../core/view/searchObjects';
import { diffViews } from '../../core/view/viewDelta';
import type { Topology } from '../../shared/model';
import type { SearchResult, ViewGraph, ViewSpec, ViewUpdate } from '../../shared/view';

/** Views kept so that a client's next request can be answered with a delta: a few per client is plenty. */
const VIEWS_KEPT = 32;

/**
 * The `view.*` requests over whatever is drawn. Each view is kept under a key for a while, so that
 * a client that sends the key of the view it has gets only what changed, whether the topology
 * moved on or the client expanded something.
 */
export class ViewService {
  private readonly kept = new Map<string, ViewGraph>();

  constructor(private readonly drawn: () => { revision: number; topology: Topology }) {}

  view(spec: ViewSpec, base?: string): ViewUpdate {
    const { key, revision, view } = this.project(spec);
    const before = base !== undefined ? this.kept.get(base) : undefined;
    return before ? { key, revision, base: base!, delta: diffViews(before, view) } : { key, revision, view };
  }

  /** The view of what is drawn now for a spec, kept under its key. */
  project(spec: ViewSpec): { key: string; revision: number; view: ViewGraph } {
    const { revision, topology } = this.drawn();
    const key = `${revision}:${JSON.stringify(spec)}`;
    const view = this.kept.get(key) ?? projectView(topology, spec);
    this.keep(key, view);
    return { key, revision, view };
  }

  search(query: string): SearchResult {
    return searchObjects(this.drawn().topology, query);
  }

  private keep(key: string, view: ViewGraph): void {
    this.kept.delete(key);
    this.kept.set(key, view);
    // Oldest first: a Map iterates in insertion order.
    for (const old of this.kept.keys()) {
      if (this.kept.size <= VIEWS_KEPT) break;
      this.kept.delete(old);
    }
  }
}
