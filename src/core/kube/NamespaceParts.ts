import type { ClusterState, KubeObject, ObjectChange } from '../../shared/kube';
import { idOf } from '../../shared/kube';

const EMPTY: ReadonlySet<string> = new Set();

/** The part that holds cluster-scoped objects (Namespaces, Nodes, classes). */
export const CLUSTER_PART = '';

/**
 * A cluster's objects split by namespace, and which part read what: the bookkeeping shared by the
 * passes that are kept up to date one namespace at a time (the topology, the diagnostics).
 *
 * A part's reads are keys: an object id (its content), `exists:ID` (only whether it exists),
 * `kind:K` (any object of kind K) or `namespace:N` (any object of namespace N). A change rebuilds
 * the part it belongs to and every part that read one of its keys.
 *
 * Objects are compared by identity: a source hands over a new object for every change.
 */
export class NamespaceParts {
  /** The objects held, by id. */
  readonly objects = new Map<string, KubeObject>();
  /** Each part's objects, by id; `CLUSTER_PART` for cluster-scoped ones. */
  readonly byPart = new Map<string, Map<string, KubeObject>>();
  /** How many objects of each kind there are. */
  readonly kindCounts = new Map<string, number>();
  private readonly current = new Set<KubeObject>();
  /** Who reads what: a key → the parts that read it. */
  private readonly readers = new Map<string, Set<string>>();
  private readonly readsOf = new Map<string, ReadonlySet<string>>();

  /**
   * The changes that bring the objects to `state`, found by identity. A second object with the id
   * of one held and still there (the same manifest in two files) is left out: the held one stays.
   */
  changesTo(state: ClusterState): ObjectChange[] {
    // The first load: nothing held, so every object is added (of two with one id, the later stays, as `apply` does).
    if (this.objects.size === 0) return state.objects.map((object) => ({ type: 'added', key: idOf(object), object }));
    const next = new Set(state.objects);
    const changes: ObjectChange[] = [];
    const kept = new Set<string>();
    for (const object of state.objects) {
      if (this.current.has(object)) continue;
      const id = idOf(object);
      const held = this.objects.get(id);
      if (held && held !== object && next.has(held)) continue;
      kept.add(id);
      changes.push({ type: held ? 'modified' : 'added', key: id, object });
    }
    for (const object of this.current) {
      if (next.has(object)) continue;
      const id = idOf(object);
      if (!kept.has(id)) changes.push({ type: 'deleted', key: id, object });
    }
    return changes;
  }

  /**
   * Applies changes, and returns the parts to rebuild: those whose objects changed and those that
   * read them. `keyed` says each change's key is its object's id, as `changesTo` gives them: the
   * id is then not worked out again.
   */
  apply(changes: readonly ObjectChange[], keyed = false): Set<string> {
    const dirty = new Set<string>();
    // Before any part has read anything (the first load) there is nobody to tell.
    const told = this.readers.size > 0;
    let namespace: string | undefined;
    let part: Map<string, KubeObject> | undefined;
    for (const { type, key, object } of changes) {
      const id = keyed ? key : idOf(object);
      const removed = type === 'deleted';
      const previous = this.objects.get(id);
      if (previous) this.current.delete(previous);
      if (removed) this.objects.delete(id);
      else {
        this.objects.set(id, object);
        this.current.add(object);
      }
      // Changes come grouped by namespace more often than not: the part found last is likely the one.
      const objectNamespace = object.metadata.namespace ?? CLUSTER_PART;
      if (objectNamespace !== namespace || !part) {
        namespace = objectNamespace;
        dirty.add(namespace);
        part = this.byPart.get(namespace);
        if (!part) this.byPart.set(namespace, (part = new Map()));
      }
      // An id names its namespace, so the part holds the object exactly when `objects` does.
      const existed = previous !== undefined;
      if (removed) part.delete(id);
      else part.set(id, object);
      const cameOrWent = existed !== !removed;
      if (cameOrWent) this.kindCounts.set(object.kind, (this.kindCounts.get(object.kind) ?? 0) + (removed ? -1 : 1));
      if (!told) continue;
      this.addReaders(id, dirty);
      if (cameOrWent) this.addReaders(`exists:${id}`, dirty);
      this.addReaders(`kind:${object.kind}`, dirty);
      this.addReaders(`namespace:${namespace}`, dirty);
    }
    return dirty;
  }

  private addReaders(key: string, dirty: Set<string>): void {
    const readers = this.readers.get(key);
    if (readers) for (const reader of readers) dirty.add(reader);
  }

  /** The parts that read a key. */
  readersOf(key: string): ReadonlySet<string> {
    return this.readers.get(key) ?? EMPTY;
  }

  /** A part's objects, or undefined when it holds none (then it is forgotten, with its reads). */
  partObjects(namespace: string): ReadonlyMap<string, KubeObject> | undefined {
    const objects = this.byPart.get(namespace);
    if (objects && objects.size > 0) return objects;
    this.byPart.delete(namespace);
    this.setReads(namespace, new Set());
    return undefined;
  }

  /** Records what a rebuilt part read, in place of what it read before. */
  setReads(namespace: string, reads: ReadonlySet<string>): void {
    for (const key of this.readsOf.get(namespace) ?? []) this.readers.get(key)?.delete(namespace);
    if (reads.size === 0) {
      this.readsOf.delete(namespace);
      return;
    }
    this.readsOf.set(namespace, reads);
    for (const key of reads) {
      let readers = this.readers.get(key);
      if (!readers) this.readers.set(key, (readers = new Set()));
      readers.add(namespace);
    }
  }
}
