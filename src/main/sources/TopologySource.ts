import type { Notice, SessionStatus, SourceInfo } from '../../shared/contract';
import type { FlowBucket } from '../../shared/flows';
import type { ClusterState, ObjectChange } from '../../shared/kube';
import type { RecordingStore } from '../store/RecordingStore';

export interface ObservedWindow {
  buckets: FlowBucket[];
  window: { from: number; to: number };
}

/** What a source reports each time its picture of the cluster changes. */
export interface SourceUpdate {
  /** Absent when only the status changed: the backend keeps the state (and topology) it has. */
  state?: ClusterState;
  /**
   * The changes from the previous update's state to this one, when the source knows them (a live
   * context's watches); the backend then updates its topology from them instead of comparing states.
   */
  changes?: readonly ObjectChange[];
  /** Traffic observed in a window ending at the state's moment, drawn as observed edges. */
  traffic?: ObservedWindow;
  sync: SessionStatus['sync'];
  message?: string;
  notices: Notice[];
  /** With sync 'error': retrying will not help until the user changes something (kubeconfig, login, plugin). */
  needsUserAction?: boolean;
}

/**
 * Where cluster state comes from: the bundled demo, a manifest folder, later a live context or a
 * recording. The backend turns every update into a topology through the same core.
 */
export interface TopologySource {
  readonly kind: SourceInfo['kind'];
  readonly label: string;
  /** For live sources: the context and namespace scope, shown by the status bar and the switcher. */
  readonly context?: string;
  readonly namespaces?: readonly string[];
  /** A recording of this source's past, for the timeline (the demo's incident, a --db file). */
  history?(): RecordingStore | undefined;
  /** Resolves after the first update has been delivered; rejects when the source cannot start at all. */
  start(onUpdate: (update: SourceUpdate) => void): Promise<void>;
  stop(): Promise<void>;
}
