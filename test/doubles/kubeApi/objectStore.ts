import type { ResourceType } from './catalog';
import { objectKey, storeObject, withResourceVersion, type RawObject, type StoredObject } from './storedObject';

/**
 * The double's etcd: objects per resource type in key order, one global resourceVersion counter,
 * and a bounded event history for watch replay. Compaction makes older resourceVersions unusable.
 */
export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: EventType;
  readonly resource: ResourceType;
  readonly object: StoredObject;
  /** The state before this event (MODIFIED, DELETED): what a read at an older RV sees. */
  readonly previous?: StoredObject;
}

export type StoreListener = (event: StoreEvent) => void;

const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The first index whose key is >= `key`. */
export function lowerBound(objects: readonly StoredObject[], key: string): number {
  let low = 0;
  let high = objects.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (objects[middle].key < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** One resource type's objects, by key and in key order. */
class ResourceTable {
  readonly byKey = new Map<string, StoredObject>();
  /** Kept sorted through single writes; dropped by bulk loads and rebuilt (one sort) when next read. */
  private sorted: StoredObject[] | undefined = [];

  sortedObjects(): readonly StoredObject[] {
    this.sorted ??= [...this.byKey.values()].sort((a, b) => compareKeys(a.key, b.key));
    return this.sorted;
  }

  put(object: StoredObject, bulk: boolean): void {
    const existed = this.byKey.has(object.key);
    this.byKey.set(object.key, object);
    if (bulk && !existed) this.sorted = undefined;
    if (!this.sorted) return;
    const index = lowerBound(this.sorted, object.key);
    if (existed) this.sorted[index] = object;
    else this.sorted.splice(index, 0, object);
  }

  remove(key: string): void {
    this.byKey.delete(key);
    if (this.sorted) this.sorted.splice(lowerBound(this.sorted, key), 1);
  }
}

export class ObjectStore {
  /** Starts at 1, so even an empty cluster lists at a real RV, never the special "0". */
  private currentRv = 1;
  /** Set by compact(): reads (continued lists, watches) from an older RV get 410 Expired. */
  private compactedRv = 0;
  /** The RV of the newest event dropped from the bounded history: older RVs cannot be replayed. */
  private historyDroppedRv = 0;
  private readonly tables = new Map<ResourceType, ResourceTable>();
  private history: StoreEvent[] = [];
  private historyStart = 0;
  private readonly listeners = new Map<ResourceType, Set<StoreListener>>();
  private readonly everyChange = new Set<StoreListener>();

  constructor(private readonly maxHistory = 200_000) {}

  get resourceVersion(): number {
    return this.currentRv;
  }

  /** The oldest RV a watch may start from or a continue token may carry. */
  get oldestRv(): number {
    return Math.max(this.compactedRv, this.historyDroppedRv);
  }

  compact(): void {
    this.compactedRv = this.currentRv;
  }

  put(type: ResourceType, raw: RawObject, bulk = false): StoredObject {
    const table = this.table(type);
    const object = storeObject(type, raw, this.currentRv + 1, (key) => table.byKey.get(key));
    const previous = table.byKey.get(object.key);
    this.currentRv++;
    table.put(object, bulk);
    this.record(previous ? { type: 'MODIFIED', resource: type, object, previous } : { type: 'ADDED', resource: type, object });
    return object;
  }

  remove(type: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
    const table = this.table(type);
    const key = objectKey(type.namespaced ? (namespace ?? 'default') : undefined, name);
    const previous = table.byKey.get(key);
    if (!previous) return undefined;
    const object = withResourceVersion(previous, ++this.currentRv);
    table.remove(key);
    this.record({ type: 'DELETED', resource: type, object, previous });
    return object;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.table(type).byKey.get(objectKey(type.namespaced ? (namespace ?? 'default') : undefined, name));
  }

  hasKey(type: ResourceType, key: string): boolean {
    return this.table(type).byKey.has(key);
  }

  /** Every object of a type in key order (`namespace/name`). Do not mutate. */
  objects(type: ResourceType): readonly StoredObject[] {
    return this.table(type).sortedObjects();
  }

  /** The recorded events of a type with resourceVersion > `afterRv`, oldest first. */
  eventsAfter(type: ResourceType, afterRv: number, namespace?: string): StoreEvent[] {
    let low = this.historyStart;
    let high = this.history.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.history[middle].object.resourceVersion <= afterRv) low = middle + 1;
      else high = middle;
    }
    const events: StoreEvent[] = [];
    for (let index = low; index < this.history.length; index++) {
      const event = this.history[index];
      if (event.resource === type && (namespace === undefined || event.object.namespace === namespace)) events.push(event);
    }
    return events;
  }

  subscribe(type: ResourceType, listener: StoreListener): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Every change of every type, in resourceVersion order (a test's log of what the server did). */
  subscribeAll(listener: StoreListener): () => void {
    this.everyChange.add(listener);
    return () => this.everyChange.delete(listener);
  }

  /** The types that have ever held an object. */
  types(): ResourceType[] {
    return [...this.tables.keys()];
  }

  private table(type: ResourceType): ResourceTable {
    let table = this.tables.get(type);
    if (!table) this.tables.set(type, (table = new ResourceTable()));
    return table;
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length - this.historyStart > this.maxHistory) {
      this.historyDroppedRv = this.history[this.historyStart].object.resourceVersion;
      this.historyStart++;
      // Shift the array now and then rather than on every drop, so trimming stays O(1) amortized.
      if (this.historyStart > this.maxHistory) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    const listeners = this.listeners.get(event.resource);
    if (listeners) for (const listener of listeners) listener(event);
    for (const listener of this.everyChange) listener(event);
  }
}
