import type { ServerChange } from '../doubles/KubeApiServerDouble';

/**
 * Accounts for every change the API server made against what a recording holds, object by
 * object. A change is recorded when the recording holds that version (or that deletion), in
 * order. It is collapsed when no client could have seen it: it happened after the resourceVersion
 * a watch resumed from, that watch got 410 Gone, and the re-list (which shows only the state at
 * its own resourceVersion) came after the object's next version, or the change is a deletion of
 * an object that did not exist yet when the watch fell behind. Anything else is lost.
 */
export interface RecordedEvent {
  type: 'added' | 'modified' | 'deleted';
  kind: string;
  namespace: string;
  name: string;
  rv: number | null;
}

/** A 410 and the re-list after it: versions in (resumedFrom, relistedAt] may have been superseded unseen. */
export interface RelistWindow {
  resumedFrom: number;
  relistedAt: number;
}

export interface ChangeAccount {
  made: number;
  recorded: number;
  collapsed: number;
  lost: string[];
  /** Recorded events that match no server change in order: repeats, reorderings, inventions. */
  unexpected: string[];
}

const keyOf = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;

function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function accountChanges(server: readonly ServerChange[], recording: readonly RecordedEvent[], windows: readonly RelistWindow[]): ChangeAccount {
  const account: ChangeAccount = { made: server.length, recorded: 0, collapsed: 0, lost: [], unexpected: [] };
  const recordedByKey = groupBy(recording, (e) => keyOf(e.kind, e.namespace, e.name));
  /** Whether version i of an object's versions falls in a re-list window that no client could see it through. */
  const collapsible = (versions: readonly ServerChange[], i: number) => {
    const { resourceVersion: rv, type } = versions[i];
    const nextRv = versions[i + 1]?.resourceVersion;
    return windows.some((w) => {
      if (rv <= w.resumedFrom || rv > w.relistedAt) return false;
      if (nextRv !== undefined && nextRv <= w.relistedAt) return true;
      // Absent when the watch fell behind and absent at the re-list: nothing for the re-list to report.
      const before = versions.slice(0, i).findLast((v) => v.resourceVersion <= w.resumedFrom);
      return type === 'DELETED' && (before === undefined || before.type === 'DELETED');
    });
  };

  for (const [key, versions] of groupBy(server, (c) => keyOf(c.kind, c.namespace, c.name))) {
    const events = recordedByKey.get(key) ?? [];
    recordedByKey.delete(key);
    const matched = new Array<boolean>(versions.length).fill(false);
    // Walk the recorded events in order; each must match a later server version than the one before.
    let next = 0;
    for (const event of events) {
      let found = -1;
      for (let i = next; i < versions.length && found < 0; i++) {
        const version = versions[i];
        // A deletion seen by a re-list carries the last version seen, not the deletion's: match it by type.
        if (event.type === 'deleted' ? version.type === 'DELETED' : version.type !== 'DELETED' && version.resourceVersion === event.rv) found = i;
      }
      if (found < 0) {
        account.unexpected.push(`${key} ${event.type} rv ${event.rv}`);
        continue;
      }
      matched[found] = true;
      next = found + 1;
    }
    versions.forEach((version, i) => {
      if (matched[i]) account.recorded++;
      else if (collapsible(versions, i)) account.collapsed++;
      else account.lost.push(`${key} ${version.type} rv ${version.resourceVersion}`);
    });
  }
  for (const [key, events] of recordedByKey) for (const event of events) account.unexpected.push(`${key} ${event.type} rv ${event.rv} (never changed by the server)`);
  return account;
}
