import type { KubeObject } from '../../shared/kube';
import { idOf } from '../../shared/kube';

/** One recorded change to one object: what a watch saw, at the time it saw it. */
export interface RecordedChange {
  /** Milliseconds since the epoch, from the recorder's clock. */
  t: number;
  type: 'added' | 'modified' | 'deleted';
  /** For a delete, the object as last seen (its tombstone). */
  object: KubeObject;
}

/** The state of a cluster as objects by id, the form replay works in. */
export type ObjectState = Map<string, KubeObject>;

/** Applies changes in order: the one rule that seek, recording and bundles share. */
export function applyChanges(state: ObjectState, changes: Iterable<Pick<RecordedChange, 'type' | 'object'>>): ObjectState {
  for (const change of changes) {
    const id = idOf(change.object);
    if (change.type === 'deleted') state.delete(id);
    else state.set(id, change.object);
  }
  return state;
}
