/**
 * `npm run bench`: figures and ratios, never pass/fail. Each phase runs in a fresh process, so
 * that one phase's heap does not slow the next one's garbage collection; compare runs on the same
 * machine only, with nothing else running. `npm run bench -- core render` runs the phases named.
 * The soak (`npm run bench -- soak`, STRATA_SOAK_MINUTES long, 3 by default) runs only when named:
 * it is meant to run for hours, alone.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const phase = fileURLToPath(new URL('./phase.ts', import.meta.url));
const only = process.argv.slice(2);
console.log(`Strata benchmarks — node ${process.version}, ${new Date().toISOString()}`);
const everyTime = ['live-sync', 'core', 'diagnostics', 'recording', 'flows', 'policy', 'render'];
const whenNamed = ['soak'];
for (const name of only.length === 0 ? everyTime : [...everyTime, ...whenNamed].filter((p) => only.includes(p))) {
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', phase, name], { stdio: 'inherit' });
  if (result.status !== 0) console.log(`  (phase ${name} failed with exit code ${result.status})`);
}
