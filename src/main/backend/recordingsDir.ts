import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the app keeps recordings it starts: $STRATA_RECORDINGS, else the XDG data folder. */
export function recordingsDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.STRATA_RECORDINGS ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'strata', 'recordings');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** One file per recording, named for the context and the moment it started. */
export function recordingFileName(context: string, at: Date): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  return `${context.replace(/[^\w.-]+/g, '_')}-${stamp}.strata`;
}
