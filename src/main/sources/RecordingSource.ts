import { basename } from 'node:path';
import { DEFAULT_TRAFFIC_WINDOW_MS } from '../../core/flows/observedTraffic';
import type { Notice } from '../../shared/contract';
import type { KubeObject } from '../../shared/kube';
import { asRecordingError, RecordingStore } from '../store/RecordingStore';
import type { SourceUpdate, TopologySource } from './TopologySource';

/** The state a recording holds at `t`, optionally only some namespaces (cluster-scoped objects always). */
export function recordedObjects(store: RecordingStore, t: number, namespaces: readonly string[] = []): KubeObject[] {
  if (namespaces.length === 0) return [...store.stateAt(t).values()];
  return ['', ...namespaces].flatMap((ns) => [...store.stateAt(t, ns).values()]);
}

/**
 * A recording or bundle opened on its own (`serve --db`, `graph --db`): the cluster as it was at
 * one moment, the end of the recording unless told otherwise. Read-only: a recorder may be
 * writing the same file at the same time.
 */
export class RecordingSource implements TopologySource {
  readonly kind = 'recording';
  readonly label: string;
  private store?: RecordingStore;

  constructor(
    readonly path: string,
    private readonly options: { at?: number; namespaces?: readonly string[]; windowMs?: number } = {},
  ) {
    this.label = basename(path);
  }

  async start(onUpdate: (update: SourceUpdate) => void): Promise<void> {
    this.store = RecordingStore.open(this.path, { readonly: true });
    let first: SourceUpdate;
    try {
      first = this.firstUpdate(this.store);
    } catch (error) {
      throw asRecordingError(this.path, error);
    }
    onUpdate(first);
  }

  private firstUpdate(store: RecordingStore): SourceUpdate {
    const span = store.span();
    const at = this.options.at ?? span?.to ?? 0;
    const notices: Notice[] = [];
    if (!span) notices.push({ severity: 'warning', message: `${this.label} holds no recorded history.` });
    else if (at < span.from || at > span.to) notices.push({ severity: 'info', message: `${new Date(at).toISOString()} is outside the recording (${new Date(span.from).toISOString()} to ${new Date(span.to).toISOString()}).` });
    const window = { from: at - (this.options.windowMs ?? DEFAULT_TRAFFIC_WINDOW_MS), to: at };
    return { state: { objects: recordedObjects(store, at, this.options.namespaces) }, traffic: { buckets: store.flowBuckets(window.from, window.to), window }, sync: 'loaded', notices };
  }

  history(): RecordingStore | undefined {
    return this.store;
  }

  async stop(): Promise<void> {
    this.store?.close();
  }
}
