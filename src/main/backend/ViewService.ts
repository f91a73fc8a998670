import { randomBytes } from 'node:crypto';
import { projectView } from '../../core/view/projectView';
import { searchObjects } from '../../core/view/searchObjects';
import { diffViews } from '../../core/view/viewDelta';
import type { Topology } from '../../shared/model';
import type { SearchResult, ViewGraph, ViewSpec, ViewUpdate } from '../../shared/view';

/** Views kept so that a client's next request can be answered with a delta: a few per client. */
const VIEWS_KEPT = 16;
/** Specs whose next view is made from their last one: those of the few clients looking. */
const SPECS_FOLLOWED = 4;

/**
 * The `view.*` requests over whatever is drawn. Each view is kept for a while under a short key,
 * so that a client that sends the key of the view it has gets only what changed, whether the
 * topology moved on or the client expanded something. Keys carry this process's own prefix: a page
 * that reconnects to a restarted server never gets a delta from another server's view.
 */
export class ViewService {
  private readonly prefix = randomBytes(6).toString('base64url');
  private issued = 0;
  /** Key → view, oldest first; and the key of each (revision, spec) still kept. */
  private readonly kept = new Map<string, { slot: string; view: ViewGraph }>();
  private readonly keys = new Map<string, string>();
  /** The newest view of each spec followed, oldest spec first. */
  private readonly newest = new Map<string, ViewGraph>();

  constructor(private readonly drawn: () => { revision: number; topology: Topology }) {}

  view(spec: ViewSpec, base?: string): ViewUpdate {
    const before = base !== undefined ? this.kept.get(base)?.view : undefined;
    const { key, revision, view } = this.project(spec);
    return before ? { key, revision, base: base!, delta: diffViews(before, view) } : { key, revision, view };
  }

  /** The view of what is drawn now for a spec, kept under its key. */
  project(spec: ViewSpec): { key: string; revision: number; view: ViewGraph } {
    const { revision, topology } = this.drawn();
    const specKey = JSON.stringify(spec);
    const slot = `${revision}:${specKey}`;
    const known = this.keys.get(slot);
    const found = known !== undefined ? this.kept.get(known) : undefined;
    const key = found ? known! : `${this.prefix}.${++this.issued}`;
    // A new revision's view is made from the last one of the spec: what did not change stays the same objects.
    const view = found?.view ?? projectView(topology, spec, this.newest.get(specKey));
    if (!found) {
      // The newest view of the few specs asked for last; one not asked for again holds only old objects alive.
      this.newest.delete(specKey);
      this.newest.set(specKey, view);
      for (const spec of this.newest.keys()) if (this.newest.size > SPECS_FOLLOWED) this.newest.delete(spec);
    }
    this.kept.delete(key);
    this.kept.set(key, { slot, view });
    this.keys.set(slot, key);
    for (const [old, { slot: oldSlot }] of this.kept) {
      if (this.kept.size <= VIEWS_KEPT) break;
      this.kept.delete(old);
      this.keys.delete(oldSlot);
    }
    return { key, revision, view };
  }

  search(query: string): SearchResult {
    return searchObjects(this.drawn().topology, query);
  }
}
