import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(import.meta.dirname, '../..');
export const OUT = join(ROOT, 'out');

/** The files every build writes: the Electron main, the CLI, the preload and the renderer page. */
const BUILT = ['main/index.js', 'main/cli.js', 'preload/index.cjs', 'renderer/index.html'].map((file) => join(OUT, file));
const LOCK = join(ROOT, 'node_modules/.cache/strata-test-build.lock');

const isBuilt = () => BUILT.every((file) => existsSync(file));

/**
 * The built app in out/, built here (`electron-vite build`) only when it is missing. An out/ that
 * is there is used as it is: rebuild after changing the sources. Test files running side by side
 * build once: the first takes a lock folder, the others wait for it to go.
 */
export async function ensureBuilt(): Promise<void> {
  if (isBuilt()) return;
  mkdirSync(join(LOCK, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock left by a run that was killed mid-build is taken over after a few minutes.
      if (Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 5 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (isBuilt()) return;
    }
  }
  try {
    if (isBuilt()) return;
    await promisify(execFile)(join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
    if (!isBuilt()) throw new Error(`electron-vite build did not write ${BUILT.filter((file) => !existsSync(file)).join(', ')}`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Every file under out/, as paths relative to it. */
export function builtFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(relative(OUT, path));
    }
  };
  walk(OUT);
  return files.sort();
}
