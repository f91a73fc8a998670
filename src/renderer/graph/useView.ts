import { useEffect, useRef, useState } from 'react';
import { applyViewDelta } from '../../core/view/viewDelta';
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
  const loop = useRef({ inFlight: false, again: false, last: 0, timer: undefined as ReturnType<typeof setTimeout> | undefined });

  useEffect(() => {
    latest.current.spec = JSON.parse(specKey) as ViewSpec;
    let alive = true;
    const run = loop.current;
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
          run.inFlight = false;
          if (!alive) return;
          const view = 'view' in update ? update.view : update.base === have.key && have.view ? applyViewDelta(have.view, update.delta) : null;
          if (view) {
            latest.current = { spec: latest.current.spec, view, key: update.key };
            setState({ view, revision: update.revision, error: null });
          } else latest.current.key = undefined;
          if (run.again || !view) ask();
        },
        (error: Error) => {
          run.inFlight = false;
          if (!alive) return;
          setState((current) => ({ ...current, error: error.message }));
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
      run.inFlight = false;
      off();
    };
    // Asked again after every reconnect: revisions announced while disconnected are lost.
  }, [api, specKey, connected]);

  return state;
}
