import { useEffect, useMemo, useRef, useState } from 'react';
import type { ViewGraph, ViewLevel } from '../../shared/view';
import { LayoutMemory, layoutItems, layoutTopology, type LayoutItem, type LayoutState } from '../../core/view/layout';
import { inNextFrame } from '../frameUpdates';

/** Above this many nodes the layout runs in a worker, so the UI stays responsive while it computes. */
const WORKER_THRESHOLD = 1500;

export interface LayoutResult {
  state: LayoutState | null;
  /** True while a worker computes the layout of the current topology; `state` is then the previous one. */
  pending: boolean;
}

/**
 * The layout of a view, remembered across updates so positions stay put. `resetKey` names the
 * scope (source, level, namespaces, re-layouts): each scope keeps its own, so going back to one
 * shows the same picture. Small graphs are laid out in the
 * same render, so an update never shows a frame without positions.
 */
export function useLayout(view: Pick<ViewGraph, 'nodes' | 'edges'>, level: ViewLevel, resetKey: string): LayoutResult {
  const [memory] = useState(() => new LayoutMemory());
  const items = useMemo(() => layoutItems(view, level), [view, level]);
  const inWorker = items.length >= WORKER_THRESHOLD;

  const inline = useMemo(
    () => (inWorker ? null : memory.remember(resetKey, layoutTopology(items, memory.previous(resetKey)))),
    [memory, items, resetKey, inWorker],
  );

  const [fromWorker, setFromWorker] = useState<{ items: readonly LayoutItem[]; state: LayoutState } | null>(null);
  const worker = useRef<Worker | null>(null);
  const request = useRef(0);
  useEffect(() => () => worker.current?.terminate(), []);
  useEffect(() => {
    if (!inWorker) return;
    worker.current ??= new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    const id = ++request.current;
    worker.current.onmessage = (event: MessageEvent<{ id: number; state: LayoutState }>) => {
      // A newer topology may have arrived while this one was being laid out.
      if (event.data.id !== request.current) return;
      const state = memory.remember(resetKey, event.data.state);
      // Drawn at the start of a frame, like the view it places (see frameUpdates.ts).
      inNextFrame(worker.current!, () => {
        if (id === request.current) setFromWorker({ items, state });
      });
    };
    worker.current.postMessage({ id, items, previous: memory.previous(resetKey) });
  }, [memory, items, resetKey, inWorker]);

  if (!inWorker) return { state: inline, pending: false };
  return { state: fromWorker?.state ?? null, pending: fromWorker?.items !== items };
}
