import { afterAll, beforeAll } from 'vitest';
import { tempDir } from './tempDir';

/** Points recordings the app starts (STRATA_RECORDINGS) at a scratch folder for one test file. */
export function useScratchRecordingsDir(): { path: () => string } {
  const previous = process.env.STRATA_RECORDINGS;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir();
    process.env.STRATA_RECORDINGS = dir.path;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.STRATA_RECORDINGS;
    else process.env.STRATA_RECORDINGS = previous;
    dir.remove();
  });
  return { path: () => dir.path };
}
