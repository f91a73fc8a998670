import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { Comparison, StrataApi, Timeline as TimelineData } from '../../shared/contract';
import type { Severity } from '../../shared/diagnostics';

interface Props {
  api: StrataApi;
  timeline: TimelineData | null;
  /** When findings appeared over the recording: a triangle on the strip, shaped by severity. */
  findingMarks?: readonly { t: number; severity: Severity; label: string }[];
  onCompare: (comparison: Comparison | null) => void;
  comparing: boolean;
}

const SPEEDS = [1, 5, 10, 30, 60];
const TICK_MS = 250;
const clock = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * The timeline under the graph: change density with gaps shaded and marks, a scrubber, play at
 * 1×–60×, step to the previous or next change, back to live, recording, and compare two moments.
 * Keyboard: ←/→ step, space play/pause.
 */
export function Timeline({ api, timeline, findingMarks = [], onCompare, comparing }: Props) {
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(10);
  const [a, setA] = useState<number | null>(null);
  const [b, setB] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const strip = useRef<SVGSVGElement>(null);
  const seeking = useRef<number | null>(null);
  const span = timeline?.span;
  const position = timeline?.at ?? span?.to;
  const live = timeline?.at === undefined;

  const fail = (e: Error) => setError(e.message);
  const step = (direction: 'next' | 'previous') => api.request('replay.step', { direction }).catch(fail);
  const goLive = () => {
    setPlaying(false);
    api.request('replay.live', {}).catch(fail);
  };

  // Play: move forward TICK_MS × speed every tick; reaching the end returns to live.
  const positionRef = useRef(position);
  useEffect(() => {
    positionRef.current = position;
  }, [position]);
  useEffect(() => {
    if (!playing || !span) return;
    const timer = setInterval(() => {
      const next = (positionRef.current ?? span.from) + TICK_MS * speed;
      if (next >= span.to) {
        setPlaying(false);
        api.request('replay.live', {}).catch(fail);
      } else api.request('replay.seek', { t: Math.round(next) }).catch(fail);
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [playing, speed, span, api]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (!span || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
      if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
        event.preventDefault();
        void step(event.key === 'ArrowLeft' ? 'previous' : 'next');
      } else if (event.key === ' ') {
        event.preventDefault();
        setPlaying((p) => !p);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (!timeline) return null;
  const width = 1000;
  const x = (t: number) => (span ? ((t - span.from) / Math.max(1, span.to - span.from)) * width : 0);
  // A square root keeps one burst (the first full list) from flattening every later change.
  const maxDensity = Math.sqrt(Math.max(1, ...timeline.density));
  const barHeight = (n: number) => Math.max(3, (Math.sqrt(n) / maxDensity) * 30);
  const fromPointer = (event: PointerEvent<SVGSVGElement>) => {
    const box = strip.current!.getBoundingClientRect();
    return span!.from + ((event.clientX - box.left) / box.width) * (span!.to - span!.from);
  };
  const onPointer = (event: PointerEvent<SVGSVGElement>) => {
    if (!span || (event.type === 'pointermove' && event.buttons !== 1)) return;
    if (event.type === 'pointerdown') strip.current!.setPointerCapture(event.pointerId);
    const t = fromPointer(event);
    // Scrubbing sends at most one seek at a time; the last position wins.
    if (seeking.current !== null) {
      seeking.current = t;
      return;
    }
    seeking.current = t;
    const run = (target: number) =>
      api
        .request('replay.seek', { t: Math.round(target) })
        .catch(fail)
        .finally(() => {
          const pending = seeking.current;
          if (pending !== null && pending !== target) void run(pending);
          else seeking.current = null;
        });
    void run(t);
  };

  const recording = timeline.recording;
  return (
    <section className="timeline" aria-label="Timeline" data-testid="timeline">
      <div className="timeline-controls">
        <button type="button" onClick={() => step('previous')} disabled={!span} title="Previous change (←)">
          ‹ Prev
        </button>
        <button type="button" onClick={() => setPlaying(!playing)} disabled={!span} aria-label={playing ? 'Pause' : 'Play'} title="Play or pause (space)">
          {playing ? 'Pause' : 'Play'}
        </button>
        <select aria-label="Speed" value={speed} onChange={(event) => setSpeed(Number(event.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
        <button type="button" onClick={() => step('next')} disabled={!span} title="Next change (→)">
          Next ›
        </button>
        <button type="button" className={live ? 'live active' : 'live'} onClick={goLive} aria-pressed={live}>
          Live
        </button>
        <span className="position" data-testid="timeline-position">
          {live ? 'now' : clock(position!)}
        </span>
      </div>
      {span ? (
        <svg ref={strip} className="timeline-strip" viewBox={`0 0 ${width} 36`} preserveAspectRatio="none" onPointerDown={onPointer} onPointerMove={onPointer} data-testid="timeline-strip" role="slider" aria-label="Moment to show" aria-valuemin={span.from} aria-valuemax={span.to} aria-valuenow={position} aria-valuetext={live ? 'live' : clock(position!)} tabIndex={0}>
          {timeline.gaps.map((g, i) => (
            <rect key={`g${i}`} className="gap" x={x(g.start)} width={Math.max(2, x(g.end ?? span.to) - x(g.start))} y={0} height={36}>
              <title>{`No data ${clock(g.start)}–${g.end ? clock(g.end) : 'now'}: ${g.reason}`}</title>
            </rect>
          ))}
          {timeline.density.map((n, i) => (n > 0 ? <rect key={i} className="density" x={(i / timeline.density.length) * width} width={width / timeline.density.length} y={36 - barHeight(n)} height={barHeight(n)} /> : null))}
          {timeline.marks.map((m) => (
            <g key={m.t} className="mark">
              <line x1={x(m.t)} x2={x(m.t)} y1={0} y2={36} />
              <title>{`${clock(m.t)} ${m.label}`}</title>
            </g>
          ))}
          {findingMarks.map((m) => (
            <g key={`f${m.t}:${m.label}`} className={`finding-mark severity-${m.severity}`} data-testid="finding-mark">
              <path d={`M ${x(m.t) - 4} 0 L ${x(m.t) + 4} 0 L ${x(m.t)} 7 Z`} />
              <title>{`${clock(m.t)} ${m.label}`}</title>
            </g>
          ))}
          {a !== null && <line className="pick a" x1={x(a)} x2={x(a)} y1={0} y2={36} />}
          {b !== null && <line className="pick b" x1={x(b)} x2={x(b)} y1={0} y2={36} />}
          <line className="cursor" x1={x(position!)} x2={x(position!)} y1={0} y2={36} />
        </svg>
      ) : (
        <p className="timeline-empty">{timeline.canRecord ? 'No history yet: turn recording on to keep it.' : 'No recorded history for this source.'}</p>
      )}
      <div className="timeline-compare">
        <button type="button" onClick={() => setA(position ?? null)} disabled={!span} title="Use the shown moment as A">
          A{a !== null ? ` ${clock(a)}` : ''}
        </button>
        <button type="button" onClick={() => setB(position ?? null)} disabled={!span} title="Use the shown moment as B">
          B{b !== null ? ` ${clock(b)}` : ''}
        </button>
        {comparing ? (
          <button type="button" onClick={() => onCompare(null)}>
            End compare
          </button>
        ) : (
          <button type="button" disabled={a === null || b === null} onClick={() => api.request('replay.compare', { a: a!, b: b! }).then(onCompare, fail)}>
            Compare
          </button>
        )}
        {span && (
          <button
            type="button"
            title="Import hubble observe -o jsonpb lines from a file on the machine running Strata"
            onClick={() => {
              const path = window.prompt('Path of a `hubble observe -o jsonpb` file, on the machine running Strata:');
              if (!path) return;
              setError(null);
              api.request('flows.import', { path }).then(
                (s) => setMessage(`Imported ${s.flows} flows${s.badLines ? `; ${s.badLines} of ${s.lines} lines skipped (${s.firstBad.map((b) => `line ${b.line}: ${b.reason}`).join('; ')})` : ''}.`),
                fail,
              );
            }}
          >
            Import flows…
          </button>
        )}
        {timeline.canRecord && (
          <button type="button" className={recording ? 'recording active' : 'recording'} onClick={() => api.request(recording ? 'recording.stop' : 'recording.start', {}).catch(fail)}>
            {recording ? '■ Stop recording' : '● Record'}
          </button>
        )}
      </div>
      {(error || recording?.error) && <p className="error">{error ?? recording?.error}</p>}
      {message && !error && (
        <p className="timeline-message" data-testid="timeline-message">
          {message}
        </p>
      )}
    </section>
  );
}
