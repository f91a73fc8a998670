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
 * One part's objects by id. A bulk load keeps them as a list, without working out an id each (at
 * 150,000 pods the ids and the maps are most of a first load, and a check of the part reads its
 * objects by kind); the ids are worked out on the first look-up by id or change. A listed part
 * never holds two objects with one id (see `load`), so the list and the map say the same.
 */
export class Part implements ReadonlyMap<string, KubeObject> {
  private listed?: readonly KubeObject[];
  private readonly byId = new Map<string, KubeObject>();

  static listing(objects: readonly KubeObject[]): Part {
    const part = new Part();
    part.listed = objects;
    return part;
  }

  get size(): number {
    return this.listed ? this.listed.length : this.byId.size;
  }

  get(id: string): KubeObject | undefined {
    return this.index().get(id);
  }

  has(id: string): boolean {
    return this.index().has(id);
  }

  values(): MapIterator<KubeObject> {
    return this.listed ? this.listed.values() : this.byId.values();
  }

  keys(): MapIterator<string> {
    return this.index().keys();
  }

  entries(): MapIterator<[string, KubeObject]> {
    return this.index().entries();
  }

  [Symbol.iterator](): MapIterator<[string, KubeObject]> {
    return this.entries();
  }

  forEach(callback: (object: KubeObject, id: string, part: ReadonlyMap<string, KubeObject>) => void, thisArg?: unknown): void {
    for (const [id, object] of this.index()) callback.call(thisArg, object, id, this);
  }

  /** Holds an object under its id, in place of one held under it. */
  set(id: string, object: KubeObject): this {
    this.index().set(id, object);
    return this;
  }

  delete(id: string): boolean {
    return this.index().delete(id);
  }

  private index(): Map<string, KubeObject> {
    if (this.listed) {
      for (const object of this.listed) this.byId.set(idOf(object), object);
      this.listed = undefined;
    }
    return this.byId;
  }
}

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a of a string, going on from `hash`: a 32-bit fingerprint, cheaper than a map's key when most are distinct. */
export function fingerprint(text: string, hash = FNV_OFFSET): number {
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** An object's kind and name, which tell the objects of one part apart. */
const objectFingerprint = (object: KubeObject): number => fingerprint(object.metadata.name, fingerprint('/', fingerprint(object.kind)));

/**
 * Whether fingerprints are all different, told in an open-addressed table: whether strings are
 * distinct (the ids of one part's objects) without a map of them. One seen twice says "maybe":
 * the caller then compares the strings themselves.
 */
export function surelyDistinct(fingerprints: readonly number[]): boolean {
  let size = 16;
  while (size < fingerprints.length * 2) size *= 2;
  const mask = size - 1;
  // 0 marks a free slot: every fingerprint is made odd.
  const table = new Int32Array(size);
  for (const fingerprint of fingerprints) {
    const print = fingerprint | 1;
    let slot = print & mask;
    for (; table[slot] !== 0; slot = (slot + 1) & mask) if (table[slot] === print) return false;
    table[slot] = print;
  }
  return true;
}

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
  /** Each part's objects, by id; `CLUSTER_PART` for cluster-scoped ones. The one store: an id names its part. */
  readonly byPart = new Map<string, Part>();
  /** The last `apply`'s changes that said nothing new once stripped (only the object held was replaced). */
  readonly unchanged = new Set<ObjectChange>();
  /** How many objects of each kind there are. */
  readonly kindCounts = new Map<string, number>();
  /** How many objects are held. */
  private count = 0;
  /** Every object by id, built on first use (see `objects`) and kept up to date from then on. */
  private byId?: Map<string, KubeObject>;
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
   * The objects held, by id, in one map built on first use: at 150,000 pods a second map of every
   * object costs a third of a first load, and a reader that knows an object's namespace finds it
   * in its part (`get`).
   */
  get objects(): ReadonlyMap<string, KubeObject> {
    if (!this.byId) {
      this.byId = new Map();
      for (const part of this.byPart.values()) for (const [id, object] of part) this.byId.set(id, object);
    }
    return this.byId;
  }

  /** The object held with an id, in the namespace the id names (`CLUSTER_PART` or undefined for a cluster-scoped one). */
  get(id: string, namespace: string | undefined): KubeObject | undefined {
    return this.byPart.get(namespace ?? CLUSTER_PART)?.get(id);
  }

  /**
   * The changes that bring the objects to `state`, found by identity. A second object with the id
   * of one held and still there (the same manifest in two files) is left out: the held one stays.
   */
  changesTo(state: ClusterState): ObjectChange[] {
    // The first load: nothing held, so every object is added (of two with one id, the later stays, as `apply` does).
    if (this.count === 0) return state.objects.map((object) => ({ type: 'added', key: idOf(object), object }));
    const generation = ++this.generation;
    if (!this.current) {
      this.current = new Map();
      for (const part of this.byPart.values()) for (const object of part.values()) this.current.set(object, 0);
    }
    const { current } = this;
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
      const held = this.get(id, object.metadata.namespace);
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
   * The first load in bulk: what `apply(changesTo(state), true)` does while nothing is held, without
   * a change record per object, and each part kept as a list until an id is asked for (see `Part`).
   * `visit` is handed each object, with its part, as it is loaded. Returns the parts loaded, or
   * undefined (and nothing is visited) when something is held or read: then changes are the way.
   */
  load(state: ClusterState, visit?: (object: KubeObject, namespace: string) => void): Set<string> | undefined {
    if (this.count > 0 || this.readers.size > 0 || this.current || this.byId) return undefined;
    this.unchanged.clear();
    const lists = new Map<string, { objects: KubeObject[]; fingerprints: number[] }>();
    let namespace: string | undefined;
    let list: { objects: KubeObject[]; fingerprints: number[] } | undefined;
    const { kindCounts } = this;
    const count = (kind: string, n: number) => kindCounts.set(kind, (kindCounts.get(kind) ?? 0) + n);
    // Objects of a kind come in runs: counted a run at a time.
    let kind: string | undefined;
    let run = 0;
    // One pass over the objects, each read while it is at hand (a pass costs most in fetching them).
    for (const object of state.objects) {
      // Objects come grouped by namespace more often than not: the list found last is likely the one.
      const objectNamespace = object.metadata.namespace ?? CLUSTER_PART;
      if (objectNamespace !== namespace || !list) {
        namespace = objectNamespace;
        list = lists.get(namespace);
        if (!list) lists.set(namespace, (list = { objects: [], fingerprints: [] }));
      }
      list.objects.push(object);
      list.fingerprints.push(objectFingerprint(object));
      if (object.kind !== kind) {
        if (kind !== undefined) count(kind, run);
        kind = object.kind;
        run = 0;
      }
      run++;
      visit?.(object, objectNamespace);
    }
    if (kind !== undefined) count(kind, run);
    for (const [namespace, { objects, fingerprints }] of lists) {
      let part: Part;
      if (surelyDistinct(fingerprints)) part = Part.listing(objects);
      else {
        // Of two objects with one id the later stays, counted once, as `apply` does.
        part = new Part();
        for (const object of objects) part.set(idOf(object), object);
        for (const object of objects) count(object.kind, -1);
        for (const object of part.values()) count(object.kind, 1);
      }
      this.byPart.set(namespace, part);
      this.count += part.size;
    }
    return new Set(lists.keys());
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
    const { current, generation, byId } = this;
    let namespace: string | undefined;
    let part: Part | undefined;
    for (const change of changes) {
      const { type, key, object } = change;
      const id = keyed ? key : idOf(object);
      const removed = type === 'deleted';
      // Changes come grouped by namespace more often than not: the part found last is likely the one.
      const objectNamespace = object.metadata.namespace ?? CLUSTER_PART;
      if (objectNamespace !== namespace || !part) {
        namespace = objectNamespace;
        part = this.byPart.get(namespace);
        if (!part) this.byPart.set(namespace, (part = new Part()));
      }
      // Without the identity map an added object's predecessor is not needed: whether the id was held shows in the size.
      const lookedUp = type !== 'added' || current !== undefined;
      const previous = lookedUp ? part.get(id) : undefined;
      let existed = previous !== undefined;
      // A watch reports every status heartbeat; once stripped, most say nothing new (a Node's lease, a
      // pod's restart count). Such a change only replaces the object held: nothing is rebuilt.
      const unchanged = type === 'modified' && previous !== undefined && sameContent(previous, object);
      if (previous) current?.delete(previous);
      if (removed) {
        part.delete(id);
        byId?.delete(id);
      } else {
        const size = part.size;
        if (part.set(id, object).size === size && !lookedUp) existed = true;
        byId?.set(id, object);
        current?.set(object, generation);
      }
      if (unchanged) {
        this.unchanged.add(change);
        continue;
      }
      dirty.add(namespace);
      const cameOrWent = existed !== !removed;
      if (cameOrWent) {
        this.count += removed ? -1 : 1;
        this.kindCounts.set(object.kind, (this.kindCounts.get(object.kind) ?? 0) + (removed ? -1 : 1));
      }
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
