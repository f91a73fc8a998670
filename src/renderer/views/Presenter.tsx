import { useCallback, useEffect, useMemo, useState } from 'react';
import type { StrataApi } from '../../shared/contract';
import type { ReachResult } from '../../shared/model';
import type { SavedTour } from '../../shared/savedView';
import { formatCount, type ViewEdge } from '../../shared/view';
import type { GraphControls } from '../graph/CytoscapeView';

/** The font scales presenter mode cycles through with F. */
export const FONT_SCALES = [1, 1.5, 2] as const;

/** The hop names a caption starts with. */
const LAYER_NAMES: Record<ReachResult['walk'][number]['layer'], string> = {
  source: 'Source',
  ingress: 'Ingress',
  gateway: 'Gateway and HTTPRoute',
  'ingress-controller': 'Ingress controller',
  service: 'Service port',
  'target-port': 'targetPort',
  'endpoint-slice': 'EndpointSlice',
  pod: 'Pod',
  node: 'Node',
  address: 'Address',
};

/** An address outside the cluster (a documentation range): where a request from the internet comes from. */
const OUTSIDE = '203.0.113.1';
const PAN_STEP = 80;

/** The entries a walk can start from: each Ingress and HTTPRoute host and path drawn, as a URL. */
export function ingressEntries(edges: readonly ViewEdge[]): string[] {
  const urls = edges.filter((e) => (e.type === 'ingress-backend' || e.type === 'route-backend') && e.path).map((e) => `http://${e.host && e.host !== '*' ? e.host : 'any-host.invalid'}${e.path}`);
  return [...new Set(urls)].sort();
}

/** The traffic observed into a hop's objects in the window drawn, in words; null when none is drawn. */
export function observedInto(ids: readonly string[], edges: readonly ViewEdge[]): string | null {
  const into = new Set(ids);
  let forwarded = 0;
  let dropped = 0;
  for (const edge of edges) {
    if (!edge.observed || !into.has(edge.target)) continue;
    if (edge.observed.verdict === 'DROPPED') dropped += edge.observed.count;
    else forwarded += edge.observed.count;
  }
  if (forwarded + dropped === 0) return null;
  return `Observed: ${formatCount(forwarded)} flow${forwarded === 1 ? '' : 's'} forwarded${dropped ? ` and ${formatCount(dropped)} dropped` : ''} into ${ids.length === 1 ? 'it' : 'them'} in the window drawn`;
}

/** Presenter mode's state: on or off (a tour opens with it on), the font scale, and the walk's lit hop. */
export function usePresenter(initially: boolean) {
  const [presenting, setPresenting] = useState(initially);
  const [fontScale, setFontScale] = useState(1);
  const [spotlight, setSpotlight] = useState<readonly string[] | null>(null);
  const present = useCallback((on: boolean) => {
    setPresenting(on);
    if (!on) setSpotlight(null);
    // Full screen where the browser allows it (a page may only ask from a key press or click).
    if (on) void document.documentElement.requestFullscreen?.().catch(() => {});
    else if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  }, []);
  const exitPresenting = useCallback(() => present(false), [present]);
  // Esc in full screen is the browser's: it leaves full screen without a key event. Presenter mode goes with it.
  useEffect(() => {
    if (!presenting) return;
    let wasFull = document.fullscreenElement !== null;
    const onChange = () => {
      if (wasFull && !document.fullscreenElement) present(false);
      wasFull = document.fullscreenElement !== null;
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, [presenting, present]);
  return { presenting, present, exitPresenting, fontScale, setFontScale, spotlight, setSpotlight };
}

interface Props {
  api: StrataApi;
  controls: { current: GraphControls | null };
  edges: readonly ViewEdge[];
  fontScale: number;
  onFontScale: (scale: number) => void;
  /** The elements of the hop shown, or null when no walk is on. */
  onSpotlight: (ids: readonly string[] | null) => void;
  onExit: () => void;
  /** A tour being played: its stops, the one shown, and the way to another. */
  tour: { tour: SavedTour; stop: number; onStop: (index: number) => void } | null;
}

/**
 * Presenter mode's controls and captions: the keyboard drives the camera, the font scale and the walk
 * of a request through the layers, one hop per key press, each hop captioned from the reach
 * explanation (`policy.reach`: ports resolved, verdicts with the deciding policy).
 */
export function Presenter({ api, controls, edges, fontScale, onFontScale, onSpotlight, onExit, tour }: Props) {
  const entries = useMemo(() => ingressEntries(edges), [edges]);
  const [asking, setAsking] = useState(false);
  const [from, setFrom] = useState(OUTSIDE);
  const [to, setTo] = useState('');
  const [port, setPort] = useState('');
  const [walk, setWalk] = useState<{ result: ReachResult; at: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [help, setHelp] = useState(true);
  const step = walk ? walk.result.walk[walk.at] : null;
  const observed = step ? observedInto(step.ids, edges) : null;

  useEffect(() => onSpotlight(step ? step.ids : null), [step, onSpotlight]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (asking || target.closest?.('input, select, textarea, [contenteditable="true"]')) return;
      // Space and Enter on a focused button press the button.
      if ((event.key === ' ' || event.key === 'Enter') && target.closest?.('button')) return;
      // A walk steps by hop; without one, a tour steps by stop.
      const move = (by: number) => {
        if (walk) setWalk((w) => (w ? { ...w, at: Math.max(0, Math.min(w.result.walk.length - 1, w.at + by)) } : w));
        else if (tour) {
          const next = Math.max(0, Math.min(tour.tour.stops.length - 1, tour.stop + by));
          if (next !== tour.stop) tour.onStop(next);
        }
      };
      const c = controls.current;
      const stepping = (walk !== null || tour !== null) && !event.shiftKey;
      const keys: Record<string, () => void> = {
        Escape: () => (walk ? setWalk(null) : onExit()),
        ArrowRight: () => (stepping ? move(1) : c?.panBy(-PAN_STEP, 0)),
        ArrowLeft: () => (stepping ? move(-1) : c?.panBy(PAN_STEP, 0)),
        ' ': () => move(1),
        PageDown: () => move(1),
        PageUp: () => move(-1),
        ArrowUp: () => c?.panBy(0, PAN_STEP),
        ArrowDown: () => c?.panBy(0, -PAN_STEP),
        '+': () => c?.zoomBy(1.25),
        '=': () => c?.zoomBy(1.25),
        '-': () => c?.zoomBy(0.8),
        '0': () => c?.fit(),
        f: () => onFontScale(FONT_SCALES[(FONT_SCALES.indexOf(fontScale as 1) + 1) % FONT_SCALES.length]),
        w: () => setAsking(true),
        h: () => setHelp((shown) => !shown),
      };
      const action = keys[event.key] ?? keys[event.key.toLowerCase()];
      if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [asking, walk, tour, controls, fontScale, onFontScale, onExit]);

  const start = (target: string) => {
    const number = port.trim() ? Number(port) : undefined;
    setError(null);
    api.request('policy.reach', { query: { from: from.trim() || OUTSIDE, to: target.trim(), ...(number !== undefined && Number.isInteger(number) ? { port: number } : {}) } }).then(
      (result) => {
        setAsking(false);
        setWalk({ result, at: 0 });
      },
      (e: Error) => setError(e.message),
    );
  };

  return (
    <div className="presenter" data-testid="presenter">
      {help && !asking && (
        <p className="presenter-help" data-testid="presenter-help">
          {walk ? '→ / Space: next hop · ←: previous · Shift+arrows: pan' : tour ? '→ / Space: next stop · ←: previous · W: walk a request · Shift+arrows: pan' : 'W: walk a request · arrows: pan'} · + / −: zoom · 0: fit · F: font {fontScale}× · H: hide this · Esc: {walk ? 'end the walk' : 'leave'}
        </p>
      )}
      {asking && (
        <form
          className="presenter-walk"
          aria-label="Walk a request through the layers"
          onSubmit={(event) => {
            event.preventDefault();
            start(to);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setAsking(false);
          }}
        >
          <h2>Walk a request through the layers</h2>
          {entries.length > 0 && (
            <div className="presenter-entries">
              {entries.map((url) => (
                <button key={url} type="button" onClick={() => start(url)}>
                  {url}
                </button>
              ))}
            </div>
          )}
          <label>
            From <input value={from} onChange={(e) => setFrom(e.target.value)} placeholder="namespace/pod, a workload, or an address" data-testid="walk-from" />
          </label>
          <label>
            To <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="http://host/path, namespace/service, or a pod" autoFocus data-testid="walk-to" />
          </label>
          <label>
            Port <input value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" size={6} placeholder="80" />
          </label>
          <button type="submit">Walk</button>
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
      {tour && !walk && (
        <section className="presenter-caption" aria-live="polite" data-testid="tour-caption">
          <p className="presenter-hop">
            {tour.tour.title ? `${tour.tour.title} · ` : ''}Stop {tour.stop + 1} of {tour.tour.stops.length}
          </p>
          <p data-testid="tour-title">{tour.tour.stops[tour.stop].title}</p>
          {tour.tour.stops[tour.stop].notes && <p className="presenter-verdict">{tour.tour.stops[tour.stop].notes}</p>}
        </section>
      )}
      {walk && step && (
        <section className="presenter-caption" aria-live="polite" data-testid="walk-caption">
          <p className="presenter-hop">
            Hop {walk.at + 1} of {walk.result.walk.length} · {LAYER_NAMES[step.layer]}
          </p>
          <p data-testid="walk-caption-text">{step.caption}</p>
          {observed && <p className="presenter-verdict">{observed}</p>}
          {step.verdicts.slice(0, 3).map((line) => (
            <p key={line} className="presenter-verdict">
              {line}
            </p>
          ))}
          {step.verdicts.length > 3 && <p className="presenter-verdict">and {step.verdicts.length - 3} more checks</p>}
          {walk.at === walk.result.walk.length - 1 && walk.result.notes.map((note) => <p key={note} className="presenter-note">{note}</p>)}
        </section>
      )}
    </div>
  );
}
