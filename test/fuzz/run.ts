/**
 * `npm run fuzz -- --runs N [--seed S]`: the fuzz properties with N cases each (CI runs a few
 * hundred). A failure prints its seed and counterexample; keep the input as a regression case
 * beside the property it broke.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '2000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of cases, not ${values.runs}`);
// Generous: a long run of the slow properties (a real HTTP server per case) takes minutes.
const timeoutMs = String(Math.max(120_000, runs * 300));
console.log(`Fuzzing with ${runs} cases per property${values.seed ? `, seed ${values.seed}` : ''}`);
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz', '--testTimeout', timeoutMs], {
  stdio: 'inherit',
  env: { ...process.env, STRATA_FUZZ_RUNS: String(runs), ...(values.seed ? { STRATA_FUZZ_SEED: values.seed } : {}) },
});
process.exit(result.status ?? 1);
