/// <reference lib="webworker" />
import { layoutTopology, type LayoutItem, type LayoutState } from '../../core/view/layout';

// Big graphs are laid out here, off the UI thread; the algorithm is the same pure function.
self.onmessage = (event: MessageEvent<{ id: number; items: LayoutItem[]; previous?: LayoutState }>) => {
  const { id, items, previous } = event.data;
  self.postMessage({ id, state: layoutTopology(items, previous) });
};
