import type { Notice, SessionStatus, SourceKind } from '../../shared/contract';
import type { ClusterState } from '../../shared/kube';

/** What a source reports each time its picture of the cluster changes. */
export interface SourceUpdate {
  state: ClusterState;
  sync: SessionStatus['sync'];
  message?: string;
  notices: Notice[];
}

/**
 * Where cluster state comes from: the bundled demo, a manifest folder, later a live context or a
 * recording. The backend turns every update into a topology through the same core.
 */
export interface TopologySource {
  readonly kind: SourceKind;
  readonly label: string;
  /** Resolves after the first update has been delivered; rejects when the source cannot start at all. */
  start(onUpdate: (update: SourceUpdate) => void): Promise<void>;
  stop(): Promise<void>;
}
