import { statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { RecordingError } from './openDatabase';

interface FileId {
  dev: number;
  ino: number;
}

function fileId(path: string): FileId | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat && { dev: stat.dev, ino: stat.ino };
}

const same = (a: FileId | undefined, b: FileId | undefined) => a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;

/** A path for the copy: beside the recording, or in the temp folder when that folder is gone too. */
function rescuePaths(path: string, now: Date): string[] {
  const name = `${basename(path).replace(/\.strata$/, '')}.recovered-${now.toISOString().replace(/[:.]/g, '-')}.strata`;
  return [join(dirname(path), name), join(tmpdir(), name)];
}

/**
 * Notices when a recording's file is deleted or replaced while it is written. SQLite keeps
 * writing to the file it opened, so a deleted recording would silently go on into nothing, and a
 * replaced one leaves its write-ahead log beside the newcomer, which SQLite would then read as
 * part of that other file. Before each write the path is checked; when it no longer names the
 * file opened, what was committed is copied out (from the open handle, which still reads it), the
 * log and index files that are ours are removed, and every write from then on fails.
 */
export class RecordingFileGuard {
  private readonly main: FileId | undefined;
  /** Known once written: SQLite makes the log at the first write. */
  private wal?: FileId;
  private readonly shm: FileId | undefined;
  private failure?: RecordingError;

  constructor(
    private readonly path: string,
    private readonly db: Database,
  ) {
    this.main = fileId(path);
    this.shm = fileId(`${path}-shm`);
  }

  /** Throws a RecordingError when the file was deleted or replaced; does the rescue the first time. */
  check(): void {
    if (this.failure) throw this.failure;
    const current = fileId(this.path);
    if (same(current, this.main)) {
      this.wal ??= fileId(`${this.path}-wal`);
      return;
    }
    const what = current ? 'was replaced by another file while recording; that file is left as it is' : 'was deleted while recording';
    const saved = this.saveCopy();
    this.removeOurLogFiles();
    this.failure = new RecordingError(`Recording to ${this.path} stopped: the file ${what}. ${saved}`);
    throw this.failure;
  }

  private saveCopy(): string {
    let reason = '';
    for (const target of rescuePaths(this.path, new Date())) {
      try {
        this.db.prepare('VACUUM INTO ?').run(target);
        return `What was recorded until then is saved in ${target}.`;
      } catch (error) {
        reason ||= (error as Error).message;
      }
    }
    return `What was recorded until then could not be saved (${reason}).`;
  }

  /** The -wal and -shm files at the path are removed only when they are the ones this connection made. */
  private removeOurLogFiles(): void {
    for (const [suffix, ours] of [['-wal', this.wal], ['-shm', this.shm]] as const) {
      const path = `${this.path}${suffix}`;
      if (!same(fileId(path), ours)) continue;
      try {
        unlinkSync(path);
      } catch {
        // Gone already, or not ours to remove: either way it no longer sits beside another file of ours.
      }
    }
  }
}
