import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import Database, { type Database as DatabaseType } from 'better-sqlite3';
import { MIGRATIONS, REQUIRED_TABLES, SCHEMA_VERSION } from './schema';

/** A recording or bundle that cannot be used; the message says which file, what is wrong and what to do. */
export class RecordingError extends Error {}

const SQLITE_HEADER = 'SQLite format 3\u0000';

function hasSqliteHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(16);
    const read = readSync(fd, header, 0, 16, 0);
    return read === 0 || header.toString('latin1') === SQLITE_HEADER;
  } finally {
    closeSync(fd);
  }
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string };
  // SQLite quotes broken schema text, newlines and all; the first line says enough.
  const message = String(e.message ?? error).split('\n')[0];
  return e.code ? `${e.code}: ${message}` : message;
}

/**
 * Opens a recording, creating it when asked to. The version check comes before anything is
 * written: a file from a newer Strata, a file that is not SQLite, or a damaged one is refused
 * whole with a RecordingError, never half-opened.
 */
export function openDatabase(path: string, options: { readonly?: boolean; create?: boolean } = {}): DatabaseType {
  const inMemory = path === ':memory:';
  const exists = !inMemory && existsSync(path);
  if (!exists && !inMemory && !options.create) throw new RecordingError(`Recording ${path} does not exist.`);
  if (exists && !hasSqliteHeader(path)) throw new RecordingError(`${path} is not a Strata recording (it is not an SQLite database).`);
  let db: DatabaseType;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: !options.create && !inMemory });
  } catch (error) {
    throw new RecordingError(`Recording ${path} cannot be opened (${describe(error)}).`);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new RecordingError(`${path} was made by a newer version of Strata (recording format ${version}; this Strata reads up to ${SCHEMA_VERSION}). Update Strata to open it.`);
    }
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      for (let v = version; v < SCHEMA_VERSION; v++) {
        db.transaction(() => {
          MIGRATIONS[v](db);
          db.pragma(`user_version = ${v + 1}`);
        })();
      }
    }
    // A read-only open of an older file cannot migrate it; it is still read, as migrations only add.
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (missing.length) throw new RecordingError(`${path} is not a complete Strata recording: it has no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''}.`);
    return db;
  } catch (error) {
    db.close();
    throw asRecordingError(path, error, 'cannot be opened');
  }
}

/**
 * A failure while reading a recording, as one sentence naming the file: damage that SQLite finds
 * only when a query reaches a broken page, or a file that cannot be read. RecordingErrors pass as they are.
 */
export function asRecordingError(path: string, error: unknown, doing = 'cannot be read'): RecordingError {
  if (error instanceof RecordingError) return error;
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  // A schema whose text was damaged (a bit flip in a column's name) leaves tables without the columns Strata made.
  const schemaDamaged = code === 'SQLITE_ERROR' && /no such (table|column)|has no column named/.test(describe(error));
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT') || schemaDamaged) return new RecordingError(`${path} is damaged and cannot be read as a Strata recording (${describe(error)}); use an undamaged copy.`);
  // Pages SQLite accepts whose contents do not decode (a bit flip inside a compressed batch): damage too, not a bug to show.
  if (error instanceof TypeError || error instanceof SyntaxError || error instanceof RangeError) return new RecordingError(`${path} is damaged: what it holds cannot be decoded; use an undamaged copy.`);
  return new RecordingError(`Recording ${path} ${doing} (${describe(error)}).`);
}
