import { useEffect, useRef, useState } from 'react';
import { applyViewDelta } from '../../core/view/viewDelta';
import { dropFrameUpdate, inNextFrame } from '../frameUpdates';
import type { StrataApi } from '../../shared/contract';
import type { ViewGraph, ViewSpec } from '../../shared/view';

/** At most this often a new view is asked for while the cluster churns: a few pictures a second. */
const MIN_INTERVAL_MS = 250;

export interface ViewState {
  view: ViewGraph | null;
  revision: number;
  error: string | null;
}

/**
 * The view of the backend's topology for a spec, kept current. The backend announces each revision;
 * this asks for the view with the key of the one it has, and applies the delta it gets. One request
 * is in flight at a time and they are spaced MIN_INTERVAL_MS apart, so a burst of revisions costs
 * one view, and a busy backend is never asked faster than it answers.
 */
export function useView(api: StrataApi, spec: ViewSpec, connected: boolean): ViewState {
  const [state, setState] = useState<ViewState>({ view: null, revision: 0, error: null });
  const specKey = JSON.stringify(spec);
  const latest = useRef({ spec, view: null as ViewGraph | null, key: undefined as string | undefined });

  useEffect(() => {
    latest.current.spec = JSON.parse(specKey) as ViewSpec;
    let alive = true;
    // What this loop shows waits for the next frame (see frameUpdates.ts); the state it asks from stays current.
    // A view waiting there gives way to a newer one; an error is shown after it, never instead of it.
    const owner = {};
    const show = (next: (current: ViewState) => ViewState, from = owner) => inNextFrame(from, () => setState(next));
    // Each spec (and connection) has its own loop: a late answer for an earlier spec cannot unblock this one.
    const run = { inFlight: false, again: false, last: 0, timer: undefined as ReturnType<typeof setTimeout> | undefined };
    const ask = () => {
      if (!alive) return;
      if (run.inFlight) {
        run.again = true;
        return;
      }
      const wait = run.last + MIN_INTERVAL_MS - Date.now();
      if (wait > 0) {
        clearTimeout(run.timer);
        run.timer = setTimeout(ask, wait);
        return;
      }
      run.inFlight = true;
      run.again = false;
      run.last = Date.now();
      const have = latest.current;
      api.request('view.get', { spec: have.spec, ...(have.key && have.view ? { base: have.key } : {}) }).then(
        (update) => {
          if (!alive) return;
          run.inFlight = false;
          const view = 'view' in update ? update.view : update.base === have.key && have.view ? applyViewDelta(have.view, update.delta) : null;
          if (view) {
            latest.current = { spec: latest.current.spec, view, key: update.key };
            show(() => ({ view, revision: update.revision, error: null }));
          } else latest.current.key = undefined;
          if (run.again || !view) ask();
        },
        (error: Error) => {
          if (!alive) return;
          run.inFlight = false;
          // The next revision asks afresh, for the whole view.
          latest.current.key = undefined;
          show((current) => ({ ...current, error: error.message }), {});
        },
      );
    };
    // A new spec is drawn at once; revisions wait their turn.
    run.last = 0;
    ask();
    const off = api.on('topology.changed', ask);
    return () => {
      alive = false;
      clearTimeout(run.timer);
      dropFrameUpdate(owner);
      off();
    };
    // Asked again after every reconnect: revisions announced while disconnected are lost.
  }, [api, specKey, connected]);

  return state;
}
