import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A file of the team's shared reference material (`../shared/reference` beside the checkout, as CI
 * has it), or undefined on a machine without it; tests that need it say so when they skip.
 */
export function sharedReference(name: string): string | undefined {
  const path = fileURLToPath(new URL(`../../../shared/reference/${name}`, import.meta.url));
  return existsSync(path) ? path : undefined;
}

export const NO_SHARED_REFERENCE = 'SKIPPED: ../shared/reference is not beside this checkout (CI has it); this test reads the reference Hubble jsonpb examples from there.';
