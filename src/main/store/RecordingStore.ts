import { statSync } from 'node:fs';
import type { Database, Statement } from 'better-sqlite3';
import { BUCKET_MS } from '../../core/flows/FlowAggregator';
import { applyChanges, type ObjectState, type RecordedChange } from '../../core/history/objectState';
import type { FlowBucket, FlowNotice } from '../../shared/flows';
import type { KubeObject } from '../../shared/kube';
import { idOf } from '../../shared/kube';
import { decodeJson, encodeJson } from './codec';
import { RecordingFileGuard } from './fileGuard';
import { asRecordingError, openDatabase, RecordingError } from './openDatabase';

export { asRecordingError, RecordingError };

/** Which cluster a session recorded: shown on open and in bundle reports. Never credentials. */
export interface SourceIdentity {
  context: string;
  cluster: string;
  server: string;
  namespaces: readonly string[];
}

export interface Gap {
  start: number;
  /** Absent while the gap is still open. */
  end?: number;
  reason: string;
}

export interface RecordingInfo {
  path: string;
  sources: SourceIdentity[];
  span?: { from: number; to: number };
  events: number;
  keyframes: number;
  sessions: number;
  gaps: number;
  bytes: number;
}

const TYPE_CODE = { added: 0, modified: 1, deleted: 2 } as const;
const EVENT_COLUMNS = 10;
const EVENT_GROUP = 50;
const BATCH_SIZE = 1000;
/** Replaying more events than this from the last position costs more than decoding a keyframe. */
const CURSOR_REACH = 40_000;

/** What a delete keeps of the object: enough to know what went, nothing more. */
function tombstone(object: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion } = object.metadata;
  return { kind: object.kind, apiVersion: object.apiVersion, metadata: { name, ...(namespace ? { namespace } : {}), ...(uid ? { uid } : {}), ...(resourceVersion ? { resourceVersion } : {}) } } as KubeObject;
}
const TYPE_NAME = ['added', 'modified', 'deleted'] as const;

interface EventRow {
  id: number;
  t: number;
  type: number;
  batch_id: number;
  batch_index: number;
}

/**
 * One recording: an event log of every observed change plus keyframes of full state, read back
 * as "the state at t". Writes go through the Recorder; reads work while a recorder writes (WAL).
 */
export class RecordingStore {
  private readonly insertEvent: Statement;
  private readonly insertEvents: Statement;
  private readonly insertBatch: Statement;
  private session?: number;
  private readonly batchCache = new Map<number, KubeObject[]>();
  /** Checked before every write: a recording deleted or replaced under us stops taking writes. */
  private readonly guard?: RecordingFileGuard;

  private constructor(
    readonly path: string,
    private readonly db: Database,
    readonly readonly: boolean,
  ) {
    if (!readonly && path !== ':memory:') this.guard = new RecordingFileGuard(path, db);
    this.insertEvent = db.prepare('INSERT INTO events (session_id, t, type, kind, namespace, name, uid, rv, batch_id, batch_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertEvents = db.prepare(`INSERT INTO events (session_id, t, type, kind, namespace, name, uid, rv, batch_id, batch_index) VALUES ${Array(EVENT_GROUP).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
    this.insertBatch = db.prepare('INSERT INTO batches (data) VALUES (?)');
  }

  static open(path: string, options: { readonly?: boolean } = {}): RecordingStore {
    const readonly = options.readonly ?? false;
    const db = openDatabase(path, { readonly, create: !readonly });
    try {
      return new RecordingStore(path, db, readonly);
    } catch (error) {
      // The statements are made against the file's own schema: a damaged one fails here, as a sentence.
      db.close();
      throw asRecordingError(path, error);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- writing ------------------------------------------------------------------------------

  /** A new recording session; its first keyframe is empty, so replay never carries objects across a stop. */
  beginSession(source: SourceIdentity, t: number): number {
    this.guard?.check();
    return this.db.transaction(() => {
      const found = this.db.prepare('SELECT id FROM sources WHERE context = ? AND cluster = ? AND server = ? AND namespaces = ?').get(source.context, source.cluster, source.server, JSON.stringify(source.namespaces)) as { id: number } | undefined;
      const sourceId = found?.id ?? Number(this.db.prepare('INSERT INTO sources (context, cluster, server, namespaces) VALUES (?, ?, ?, ?)').run(source.context, source.cluster, source.server, JSON.stringify(source.namespaces)).lastInsertRowid);
      const previous = this.db.prepare('SELECT MAX(COALESCE(ended_at, started_at)) AS end FROM sessions').get() as { end: number | null };
      const lastEvent = this.db.prepare('SELECT MAX(t) AS t FROM events').get() as { t: number | null };
      const session = Number(this.db.prepare('INSERT INTO sessions (source_id, started_at) VALUES (?, ?)').run(sourceId, t).lastInsertRowid);
      const since = Math.max(previous.end ?? 0, lastEvent.t ?? 0);
      if (since > 0 && since < t) this.db.prepare('INSERT INTO gaps (session_id, start_t, end_t, reason) VALUES (?, ?, ?, ?)').run(session, since, t, 'recorder stopped');
      this.session = session;
      this.writeKeyframeRow(t, this.lastEventId(), []);
      return session;
    })();
  }

  endSession(t: number): void {
    if (this.session === undefined) return;
    this.guard?.check();
    this.db.transaction(() => {
      this.db.prepare('UPDATE gaps SET end_t = ? WHERE session_id = ? AND end_t IS NULL').run(t, this.session);
      this.db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ?').run(t, this.session);
    })();
    this.session = undefined;
  }

  /** Appends changes in one transaction; returns the id of the last one (they are committed when this returns). */
  append(changes: readonly RecordedChange[]): number {
    if (this.session === undefined) throw new RecordingError('No recording session is open.');
    if (changes.length === 0) return this.lastEventId();
    this.guard?.check();
    return this.db.transaction(() => {
      // Batches stay small, so that a seek decodes little more than the events it replays.
      for (let i = 0; i < changes.length; i += BATCH_SIZE) this.appendBatch(changes.slice(i, i + BATCH_SIZE));
      return this.lastEventId();
    })();
  }

  private appendBatch(changes: readonly RecordedChange[]): void {
    const session = this.session!;
    const data = encodeJson(changes.map((c) => (c.type === 'deleted' ? tombstone(c.object) : c.object)));
    {
      const batch = Number(this.insertBatch.run(data).lastInsertRowid);
      // Rows go in groups of EVENT_GROUP per statement: fewer crossings into SQLite on the hot path.
      const values: unknown[] = [];
      const flush = (statement: Statement) => {
        statement.run(values);
        values.length = 0;
      };
      changes.forEach((c, i) => {
        const m = c.object.metadata;
        values.push(session, c.t, TYPE_CODE[c.type], c.object.kind, m.namespace ?? '', m.name, m.uid ?? null, m.resourceVersion ?? null, batch, i);
        if (values.length === EVENT_GROUP * EVENT_COLUMNS) flush(this.insertEvents);
      });
      for (let i = 0; i < values.length; i += EVENT_COLUMNS) this.insertEvent.run(values.slice(i, i + EVENT_COLUMNS));
    }
  }

  /** A full state, split by namespace so that a seek into one namespace reads only its part. */
  writeKeyframe(t: number, lastEventId: number, objects: Iterable<KubeObject>): void {
    this.guard?.check();
    this.db.transaction(() => this.writeKeyframeRow(t, lastEventId, objects))();
  }

  private writeKeyframeRow(t: number, lastEventId: number, objects: Iterable<KubeObject>): void {
    const keyframe = Number(this.db.prepare('INSERT INTO keyframes (session_id, t, last_event_id) VALUES (?, ?, ?)').run(this.session ?? null, t, lastEventId).lastInsertRowid);
    const parts = new Map<string, KubeObject[]>();
    for (const o of objects) {
      const ns = o.metadata.namespace ?? '';
      const list = parts.get(ns);
      if (list) list.push(o);
      else parts.set(ns, [o]);
    }
    const insert = this.db.prepare('INSERT INTO keyframe_parts (keyframe_id, namespace, data) VALUES (?, ?, ?)');
    for (const [ns, list] of parts) insert.run(keyframe, ns, encodeJson(list, 3));
  }

  openGap(t: number, reason: string): void {
    if (this.session === undefined) return;
    this.guard?.check();
    const open = this.db.prepare('SELECT id FROM gaps WHERE session_id = ? AND end_t IS NULL').get(this.session);
    if (!open) this.db.prepare('INSERT INTO gaps (session_id, start_t, reason) VALUES (?, ?, ?)').run(this.session, t, reason);
  }

  /** A gap known in full, as a bundle copies it from its recording. */
  addGap(gap: Gap): void {
    this.guard?.check();
    this.db.prepare('INSERT INTO gaps (session_id, start_t, end_t, reason) VALUES (?, ?, ?, ?)').run(this.session ?? null, gap.start, gap.end ?? null, gap.reason);
  }

  closeGap(t: number): void {
    if (this.session === undefined) return;
    this.guard?.check();
    this.db.prepare('UPDATE gaps SET end_t = ? WHERE session_id = ? AND end_t IS NULL').run(t, this.session);
  }

  /** A file opened read-only from before flows were recorded (format 2) has no flow tables. */
  private hasTable(name: string): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  }

  lastEventId(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM events').get() as { id: number }).id;
  }

  /** Adds aggregated traffic; buckets of the same key and start add up when read. */
  appendFlows(buckets: readonly FlowBucket[], notices: readonly FlowNotice[] = []): void {
    this.guard?.check();
    const insert = this.db.prepare('INSERT INTO flow_buckets (start, source, target, service, protocol, port, verdict, drop_reason, policies, count, first, last) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const notice = this.db.prepare('INSERT INTO flow_notices (t, kind, message) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      for (const b of buckets) insert.run(b.start, b.source, b.target, b.service ?? null, b.protocol, b.port ?? null, b.verdict, b.dropReason ?? null, b.policies.join(','), b.count, b.first, b.last);
      for (const n of notices) notice.run(n.t, n.kind, n.message);
    })();
  }

  // ---- reading ------------------------------------------------------------------------------

  /** Traffic buckets that started in [from, to]. */
  flowBuckets(from: number, to: number): FlowBucket[] {
    if (!this.hasTable('flow_buckets')) return [];
    const rows = this.db.prepare('SELECT start, source, target, service, protocol, port, verdict, drop_reason, policies, count, first, last FROM flow_buckets WHERE start >= ? AND start <= ? ORDER BY start, id').all(from, to) as {
      start: number; source: string; target: string; service: string | null; protocol: string; port: number | null; verdict: string; drop_reason: string | null; policies: string; count: number; first: number; last: number;
    }[];
    return rows.map((r) => ({
      start: r.start,
      source: r.source,
      target: r.target,
      ...(r.service ? { service: r.service } : {}),
      protocol: r.protocol,
      ...(r.port !== null ? { port: r.port } : {}),
      verdict: r.verdict,
      ...(r.drop_reason ? { dropReason: r.drop_reason } : {}),
      policies: r.policies ? r.policies.split(',') : [],
      count: r.count,
      first: r.first,
      last: r.last,
    }));
  }

  flowNotices(from: number, to: number): FlowNotice[] {
    if (!this.hasTable('flow_notices')) return [];
    return this.db.prepare('SELECT t, kind, message FROM flow_notices WHERE t >= ? AND t <= ? ORDER BY t').all(from, to) as FlowNotice[];
  }


  private batch(id: number): KubeObject[] {
    let objects = this.batchCache.get(id);
    if (!objects) {
      const row = this.db.prepare('SELECT data FROM batches WHERE id = ?').get(id) as { data: Buffer } | undefined;
      if (!row) throw new RecordingError(`${this.path} is damaged: event batch ${id} is missing.`);
      objects = decodeJson<KubeObject[]>(row.data);
      if (this.batchCache.size > 256) this.batchCache.clear();
      this.batchCache.set(id, objects);
    }
    return objects;
  }

  /**
   * The state at `t`: the nearest keyframe at or before t, then the events after it up to t.
   * With `namespace`, only that namespace (and cluster-scoped objects when it is '').
   * Whole-cluster seeks remember where they ended and the keyframe they decoded, so scrubbing
   * replays only what lies between one position and the next.
   */
  stateAt(t: number, namespace?: string): ReadonlyMap<string, KubeObject> {
    const keyframe = this.db.prepare('SELECT id, t, last_event_id, session_id FROM keyframes WHERE t <= ? ORDER BY t DESC, id DESC LIMIT 1').get(t) as { id: number; t: number; last_event_id: number; session_id: number | null } | undefined;
    if (!keyframe) return new Map();
    if (namespace !== undefined) {
      const state: ObjectState = new Map();
      const parts = this.db.prepare('SELECT data FROM keyframe_parts WHERE keyframe_id = ? AND namespace = ?').all(keyframe.id, namespace) as { data: Buffer }[];
      for (const part of parts) for (const object of decodeJson<KubeObject[]>(part.data)) state.set(idOf(object), object);
      // Bounded by time on the (namespace, t) index: events after a keyframe are never older than it.
      const rows = this.db.prepare('SELECT id, t, type, batch_id, batch_index FROM events WHERE namespace = ? AND t >= ? AND t <= ? AND id > ? ORDER BY id').all(namespace, keyframe.t, t, keyframe.last_event_id) as EventRow[];
      return applyChanges(state, this.changesOf(rows));
    }
    // Forward from the last position, when it is in the same session and not far behind.
    const cursor = this.cursor;
    const fromCursor =
      cursor !== undefined &&
      cursor.t <= t &&
      cursor.session === keyframe.session_id &&
      keyframe.last_event_id - cursor.lastEventId < CURSOR_REACH;
    let state: ObjectState;
    let after: number;
    if (fromCursor) {
      state = new Map(cursor.state);
      after = cursor.lastEventId;
    } else {
      state = new Map(this.keyframeState(keyframe.id));
      after = keyframe.last_event_id;
    }
    // A rowid range, bounded on both sides: ids grow with time, so the last event at or before t
    // (one step down the time index) ends it. `+t` keeps the time filter off the index.
    const upper = (this.db.prepare('SELECT id FROM events WHERE t <= ? ORDER BY t DESC, id DESC LIMIT 1').get(t) as { id: number } | undefined)?.id ?? after;
    const rows = this.db.prepare('SELECT id, t, type, batch_id, batch_index FROM events WHERE id > ? AND id <= ? AND +t <= ? ORDER BY id').all(after, upper, t) as EventRow[];
    applyChanges(state, this.changesOf(rows));
    this.cursor = { session: keyframe.session_id, t, lastEventId: rows.at(-1)?.id ?? after, state };
    return state;
  }

  private cursor?: { session: number | null; t: number; lastEventId: number; state: ObjectState };
  private decodedKeyframe?: { id: number; state: ObjectState };

  private keyframeState(id: number): ObjectState {
    if (this.decodedKeyframe?.id !== id) {
      const state: ObjectState = new Map();
      for (const part of this.db.prepare('SELECT data FROM keyframe_parts WHERE keyframe_id = ?').all(id) as { data: Buffer }[]) {
        for (const object of decodeJson<KubeObject[]>(part.data)) state.set(idOf(object), object);
      }
      this.decodedKeyframe = { id, state };
    }
    return this.decodedKeyframe.state;
  }

  private *changesOf(rows: readonly EventRow[]): Generator<Pick<RecordedChange, 'type' | 'object'>> {
    for (const row of rows) {
      const object = this.batch(row.batch_id)[row.batch_index];
      if (!object) throw new RecordingError(`${this.path} is damaged: event ${row.id} has no object.`);
      yield { type: TYPE_NAME[row.type], object };
    }
  }

  /** Changes between two moments, in order, for "what happened" lists and the compare view. */
  changesBetween(from: number, to: number): RecordedChange[] {
    const rows = this.db.prepare('SELECT id, t, type, batch_id, batch_index FROM events WHERE t > ? AND t <= ? ORDER BY id').all(from, to) as EventRow[];
    const out: RecordedChange[] = [];
    let i = 0;
    for (const change of this.changesOf(rows)) out.push({ ...change, t: rows[i++].t });
    return out;
  }

  /** The time of the first change after t, or of the last change before it: the timeline's step buttons. */
  neighbourChange(t: number, direction: 'next' | 'previous'): number | undefined {
    const row = (direction === 'next'
      ? this.db.prepare('SELECT MIN(t) AS t FROM events WHERE t > ?').get(t)
      : this.db.prepare('SELECT MAX(t) AS t FROM events WHERE t < ?').get(t)) as { t: number | null };
    return row.t ?? undefined;
  }

  span(): { from: number; to: number } | undefined {
    const row = this.db.prepare('SELECT MIN(started_at) AS from_t, MAX(COALESCE(ended_at, started_at)) AS to_t FROM sessions').get() as { from_t: number | null; to_t: number | null };
    const last = (this.db.prepare('SELECT MAX(t) AS t FROM events').get() as { t: number | null }).t;
    // Buckets start on multiples of BUCKET_MS (FlowAggregator's, for live flows and imports) and their
    // flows end within one bucket of the start, so the newest flow is found through the index on start
    // instead of by reading every bucket of a long recording.
    const lastFlow = this.hasTable('flow_buckets')
      ? (this.db.prepare('SELECT MAX(last) AS t FROM flow_buckets WHERE start >= (SELECT MAX(start) FROM flow_buckets) - ?').get(BUCKET_MS) as { t: number | null }).t
      : null;
    if (row.from_t === null) return undefined;
    return { from: row.from_t, to: Math.max(row.to_t ?? row.from_t, last ?? 0, lastFlow ?? 0) };
  }

  /** How many changes fall in each of `buckets` equal slices of [from, to): the timeline's density strip. */
  density(from: number, to: number, buckets: number): number[] {
    const width = Math.max(1, (to - from) / buckets);
    const counts = new Array<number>(buckets).fill(0);
    const rows = this.db.prepare('SELECT CAST((t - ?) / ? AS INTEGER) AS bucket, COUNT(*) AS n FROM events WHERE t >= ? AND t < ? GROUP BY bucket').all(from, width, from, to) as { bucket: number; n: number }[];
    for (const r of rows) if (r.bucket >= 0 && r.bucket < buckets) counts[r.bucket] = r.n;
    return counts;
  }

  gaps(): Gap[] {
    return (this.db.prepare('SELECT start_t, end_t, reason FROM gaps ORDER BY start_t').all() as { start_t: number; end_t: number | null; reason: string }[]).map((g) => ({ start: g.start_t, ...(g.end_t !== null ? { end: g.end_t } : {}), reason: g.reason }));
  }

  info(): RecordingInfo {
    const count = (table: string) => (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const sources = (this.db.prepare('SELECT context, cluster, server, namespaces FROM sources ORDER BY id').all() as { context: string; cluster: string; server: string; namespaces: string }[]).map((s) => ({ ...s, namespaces: JSON.parse(s.namespaces) as string[] }));
    const span = this.span();
    return { path: this.path, sources, ...(span ? { span } : {}), events: count('events'), keyframes: count('keyframes'), sessions: count('sessions'), gaps: count('gaps'), bytes: this.bytes() };
  }

  bytes(): number {
    const size = (p: string) => {
      try {
        return statSync(p).size;
      } catch {
        return 0;
      }
    };
    return size(this.path) + size(`${this.path}-wal`);
  }

  /**
   * Drops history older than `before`, keeping the first keyframe at or after it so that every
   * moment still recorded can be replayed. Returns how many events went.
   */
  dropBefore(before: number): number {
    this.guard?.check();
    return this.db.transaction(() => {
      const keep = this.db.prepare('SELECT id, t, last_event_id FROM keyframes WHERE t >= ? ORDER BY t, id LIMIT 1').get(before) as { id: number; t: number; last_event_id: number } | undefined;
      if (!keep) return 0;
      const dropped = this.db.prepare('DELETE FROM events WHERE id <= ?').run(keep.last_event_id).changes;
      this.db.prepare('DELETE FROM batches WHERE id NOT IN (SELECT DISTINCT batch_id FROM events)').run();
      const old = this.db.prepare('SELECT id FROM keyframes WHERE t < ? OR (t = ? AND id < ?)').all(keep.t, keep.t, keep.id) as { id: number }[];
      for (const k of old) {
        this.db.prepare('DELETE FROM keyframe_parts WHERE keyframe_id = ?').run(k.id);
        this.db.prepare('DELETE FROM keyframes WHERE id = ?').run(k.id);
      }
      this.db.prepare('DELETE FROM gaps WHERE end_t IS NOT NULL AND end_t < ?').run(keep.t);
      this.db.prepare('UPDATE sessions SET started_at = ? WHERE started_at < ?').run(keep.t, keep.t);
      return dropped;
    })();
  }

  /** Keeps history within an age and a size: the oldest keyframe intervals go first. */
  retain(limits: { maxAgeMs?: number; maxBytes?: number }, now: number): number {
    let dropped = limits.maxAgeMs !== undefined ? this.dropBefore(now - limits.maxAgeMs) : 0;
    if (limits.maxBytes !== undefined) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      while (this.bytes() > limits.maxBytes) {
        const next = this.db.prepare('SELECT t FROM keyframes ORDER BY t, id LIMIT 1 OFFSET 1').get() as { t: number } | undefined;
        if (!next) break;
        const n = this.dropBefore(next.t);
        dropped += n;
        this.compactFile();
        if (n === 0) break;
      }
    }
    return dropped;
  }

  /**
   * Gives freed pages back to the file system. VACUUM goes through the WAL, so the WAL is folded
   * in afterwards; while a reader holds the file (the app's timeline), it is left for next time.
   */
  private compactFile(): void {
    try {
      this.db.exec('VACUUM');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    }
  }

  /** The raw database, for bundle export; never for the UI. */
  get database(): Database {
    return this.db;
  }
}
