import type { Database } from 'better-sqlite3';

/**
 * The recording format, one migration per version, applied in order inside a transaction each.
 * `PRAGMA user_version` holds the version a file is at. Never edit a released migration: add one.
 */
export const MIGRATIONS: readonly ((db: Database) => void)[] = [
  // 1: the event log (rows per change; objects in compressed batches), keyframes split by
  // namespace so a namespace seek decompresses only its part, sessions and gaps.
  (db) =>
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE sources (id INTEGER PRIMARY KEY, context TEXT NOT NULL, cluster TEXT NOT NULL, server TEXT NOT NULL, namespaces TEXT NOT NULL) STRICT;
      CREATE TABLE sessions (id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id), started_at INTEGER NOT NULL, ended_at INTEGER) STRICT;
      CREATE TABLE batches (id INTEGER PRIMARY KEY, data BLOB NOT NULL) STRICT;
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL,
        t INTEGER NOT NULL,
        type INTEGER NOT NULL,
        kind TEXT NOT NULL,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        uid TEXT,
        rv TEXT,
        batch_id INTEGER NOT NULL,
        batch_index INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX events_t ON events(t);
      CREATE INDEX events_namespace_t ON events(namespace, t);
      CREATE TABLE keyframes (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, t INTEGER NOT NULL, last_event_id INTEGER NOT NULL) STRICT;
      CREATE INDEX keyframes_t ON keyframes(t);
      CREATE TABLE keyframe_parts (keyframe_id INTEGER NOT NULL, namespace TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (keyframe_id, namespace)) STRICT, WITHOUT ROWID;
      CREATE TABLE gaps (id INTEGER PRIMARY KEY, session_id INTEGER, start_t INTEGER NOT NULL, end_t INTEGER, reason TEXT NOT NULL) STRICT;
    `),
  // 2: named moments on the timeline ("rollout started", "02:13 checkout down").
  (db) => db.exec(`CREATE TABLE marks (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, label TEXT NOT NULL) STRICT;`),
  // 3: observed traffic, aggregated into time buckets, and what the flow source said about itself.
  (db) =>
    db.exec(`
      CREATE TABLE flow_buckets (
        id INTEGER PRIMARY KEY,
        start INTEGER NOT NULL,
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        service TEXT,
        protocol TEXT NOT NULL,
        port INTEGER,
        verdict TEXT NOT NULL,
        drop_reason TEXT,
        policies TEXT NOT NULL,
        count INTEGER NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX flow_buckets_start ON flow_buckets(start);
      CREATE TABLE flow_notices (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL) STRICT;
    `),
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Tables every recording and bundle has; a file missing one is not a usable recording. */
export const REQUIRED_TABLES = ['meta', 'sources', 'sessions', 'batches', 'events', 'keyframes', 'keyframe_parts', 'gaps'] as const;
