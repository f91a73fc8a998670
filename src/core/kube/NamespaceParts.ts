import type { ClusterState, KubeObject, ObjectChange } from '../../shared/kube';
import { idOf } from '../../shared/kube';

const EMPTY: ReadonlySet<string> = new Set();

/** Whether two versions of an object say the same, apart from their resourceVersion. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  if (a === b) return true;
  const body = (o: KubeObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return body(a) === body(b);
}

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
  /** The last `apply`'s changes that said nothing new once stripped (only the object held was replaced). */
  readonly unchanged = new Set<ObjectChange>();
  /** How many objects of each kind there are. */
  readonly kindCounts = new Map<string, number>();
  /**
   * The objects held, by identity, each with the last `changesTo` call that saw it in its state.
   * Built on the first `changesTo` after a load: a source that sends changes never needs it.
   */
  private current?: Map<KubeObject, number>;
  private generation = 0;
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
    const generation = ++this.generation;
    const current = (this.current ??= new Map([...this.objects.values()].map((object) => [object, 0])));
    // Held objects still in the state are stamped, so that what is left unstamped is gone.
    const fresh: KubeObject[] = [];
    for (const object of state.objects) {
      if (current.has(object)) current.set(object, generation);
      else fresh.push(object);
    }
    const changes: ObjectChange[] = [];
    const kept = new Set<string>();
    for (const object of fresh) {
      const id = idOf(object);
      const held = this.objects.get(id);
      if (held && held !== object && current.get(held) === generation) continue;
      kept.add(id);
      changes.push({ type: held ? 'modified' : 'added', key: id, object });
    }
    for (const [object, seen] of current) {
      if (seen === generation) continue;
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
    this.unchanged.clear();
    // Before any part has read anything (the first load) there is nobody to tell.
    const told = this.readers.size > 0;
    const { objects, current, generation } = this;
    let namespace: string | undefined;
    let part: Map<string, KubeObject> | undefined;
    for (const change of changes) {
      const { type, key, object } = change;
      const id = keyed ? key : idOf(object);
      const removed = type === 'deleted';
      // A watch reports every status heartbeat; once stripped, most say nothing new (a Node's lease, a
      // pod's restart count). Such a change only replaces the object held: nothing is rebuilt.
      const held = type === 'modified' ? objects.get(id) : undefined;
      const unchanged = held !== undefined && sameContent(held, object);
      let existed: boolean;
      if (removed || current) {
        const previous = held ?? objects.get(id);
        existed = previous !== undefined;
        if (previous) current?.delete(previous);
        if (removed) objects.delete(id);
        else {
          objects.set(id, object);
          current?.set(object, generation);
        }
      } else {
        // Without the identity map the previous object is not needed: whether the id was held shows in the size.
        const size = objects.size;
        existed = objects.set(id, object).size === size;
      }
      // Changes come grouped by namespace more often than not: the part found last is likely the one.
      const objectNamespace = object.metadata.namespace ?? CLUSTER_PART;
      if (objectNamespace !== namespace || !part) {
        namespace = objectNamespace;
        part = this.byPart.get(namespace);
        if (!part) this.byPart.set(namespace, (part = new Map()));
      }
      // An id names its namespace, so the part holds the object exactly when `objects` does.
      if (removed) part.delete(id);
      else part.set(id, object);
      if (unchanged) {
        this.unchanged.add(change);
        continue;
      }
      dirty.add(namespace);
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
