import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The app's `resources/` folder. Looked up from this module upwards, so that it is found the same way
 * from the sources (tests), the build output (`out/main`) and an installed package.
 */
export function resourcesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, 'demo'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('Strata cannot find its resources folder; reinstall the package.');
}
