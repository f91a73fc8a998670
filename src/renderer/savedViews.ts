import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GraphElement } from '../core/view/toElements';
import type { SessionStatus, StrataApi } from '../shared/contract';
import { fromViewFragment, type Annotation, type SavedTour, type SavedView } from '../shared/savedView';

/** What the page was opened with: a view or tour in the URL's fragment (`strata serve --view`, or a link). */
export interface Opened {
  view?: SavedView;
  tour?: SavedTour;
  error?: string;
}

export function openedFromFragment(hash: string): Opened {
  try {
    const found = fromViewFragment(hash);
    return found ?? {};
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** What reopens the picture on screen: the source, the view spec, the layers, the selection, the camera, the theme, the notes and the moment shown. */
export function viewOf(parts: Pick<SavedView, 'spec' | 'edgeView' | 'layers' | 'camera' | 'theme'> & { status: SessionStatus | null; selected: SavedView['selection']; annotations: readonly Annotation[] }): SavedView {
  const { status, spec, edgeView, layers, selected, camera, theme, annotations } = parts;
  const source = status?.source;
  return {
    strataView: 1,
    ...(source ? { source: { kind: source.kind, label: source.label, ...(source.context ? { context: source.context } : {}) } } : {}),
    spec,
    ...(edgeView ? { edgeView } : {}),
    ...(layers ? { layers } : {}),
    selection: selected ?? null,
    ...(camera ? { camera } : {}),
    ...(theme ? { theme } : {}),
    ...(status?.replay ? { at: status.replay.at } : {}),
    ...(annotations.length ? { annotations: [...annotations] } : {}),
  };
}

/** Where a note stands beside what it is pinned to: to the right, between this column and the next. */
const NOTE_OFFSET = { x: 110, y: -34 };

/**
 * The notes of a view as elements: each a sticky note beside its object, joined to it by a dotted
 * line. A note pinned to a workload stands by the workload's box (or its folded cell), so it
 * survives a redeploy that renames every pod. A note whose object is not drawn waits, unshown.
 */
export function annotationElements(annotations: readonly Annotation[], elements: readonly GraphElement[]): GraphElement[] {
  const byId = new Map(elements.map((e) => [e.data.id, e]));
  const firstChild = new Map<string, GraphElement>();
  for (const e of elements) {
    const parent = e.data.parent as string | undefined;
    if (parent && e.position && !firstChild.has(parent)) firstChild.set(parent, e);
  }
  const out: GraphElement[] = [];
  annotations.forEach((note, i) => {
    const target = byId.get(note.target);
    // A box has no place of its own: its first member's stands for it.
    const at = target?.position ?? firstChild.get(note.target)?.position;
    if (!target || !at) return;
    const id = `note:${i}:${note.target}`;
    out.push({ group: 'nodes', data: { id, label: note.text, subtitle: '', kind: 'Note' }, position: { x: at.x + NOTE_OFFSET.x, y: at.y + NOTE_OFFSET.y }, classes: 'kind-Note' });
    out.push({ group: 'edges', data: { id: `${id}->`, source: id, target: note.target, label: '', type: 'note' }, classes: 'type-note' });
  });
  return out;
}

/** The object a note on a node is pinned to: a pod's workload when it has one, else the node itself. */
export function annotationTarget(node: { id: string; kind: string; workload?: string }): string {
  return node.kind === 'Pod' && node.workload ? node.workload : node.id;
}

/**
 * The page's saved-view state: the notes, the tour and its stop, a saved camera waiting to be taken,
 * and what opening a view has to say. `showView` sets the rest of a view (the page's own state);
 * the moment of a view is asked of the backend, and a view without one goes back to live.
 */
export function useSavedViews(api: StrataApi, opened: Opened, page: { connected: boolean; status: SessionStatus | null; showView: (saved: SavedView) => void }) {
  const { connected, status, showView } = page;
  const first = opened.view ?? opened.tour?.stops[0].view;
  const [viewNotice, setViewNotice] = useState<string | null>(opened.error ?? null);
  const [annotations, setAnnotations] = useState<Annotation[]>(first?.annotations ?? []);
  const [tour, setTour] = useState<SavedTour | null>(opened.tour ?? null);
  const [stop, setStop] = useState(0);
  /** A saved camera to take once the picture is drawn, instead of fitting it; `seq` changes for each. */
  const [camera, setCamera] = useState<(NonNullable<SavedView['camera']> & { seq: number; animate: boolean }) | null>(first?.camera ? { ...first.camera, seq: 1, animate: false } : null);
  const replaying = status?.replay !== undefined;
  const applyView = useCallback(
    (saved: SavedView, animate: boolean) => {
      showView(saved);
      setAnnotations(saved.annotations ?? []);
      if (saved.camera) setCamera((last) => ({ ...saved.camera!, seq: (last?.seq ?? 0) + 1, animate }));
      if (saved.at !== undefined) api.request('replay.seek', { t: saved.at }).catch((error: Error) => setViewNotice(`The view's moment cannot be shown: ${error.message}`));
      else if (replaying) api.request('replay.live', {}).catch(() => {});
    },
    [api, replaying, showView],
  );
  // The opened view's moment is asked for once connected; the rest of it is the page's first state.
  const openedAt = first?.at;
  const seekedOpened = useRef(false);
  useEffect(() => {
    if (!connected || openedAt === undefined || seekedOpened.current) return;
    seekedOpened.current = true;
    api.request('replay.seek', { t: openedAt }).catch((error: Error) => setViewNotice(`The view's moment cannot be shown: ${error.message}`));
  }, [api, connected, openedAt]);
  const goToStop = useCallback(
    (index: number) => {
      if (!tour) return;
      setStop(index);
      applyView(tour.stops[index].view, true);
    },
    [tour, applyView],
  );
  const playing = useMemo(() => (tour ? { tour, stop, onStop: goToStop } : null), [tour, stop, goToStop]);
  // A view opened over another source than its own says so: the picture may not be the one saved.
  const openedSource = first?.source?.label;
  const [sourceNoteDismissed, setSourceNoteDismissed] = useState(false);
  const sourceNote = openedSource && status && status.source.label !== openedSource && !sourceNoteDismissed ? `This view was saved from ${openedSource}; it is shown over ${status.source.label}.` : null;
  const dismissNotice = useCallback(() => {
    setViewNotice(null);
    setSourceNoteDismissed(true);
  }, []);
  const notice = [viewNotice, sourceNote].filter(Boolean).join(' ') || null;
  return { notice, setViewNotice, dismissNotice, annotations, setAnnotations, tour, setTour, camera, playing };
}
