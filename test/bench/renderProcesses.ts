/**
 * The render benchmark's child processes: the API server double (apiServerDoubleProcess.ts, with
 * its stdin control channel) and the built `strata serve`. Both are killed when this process exits,
 * however it exits, as well as by their stop().
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { ClusterSize } from './syntheticCluster';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = 'out/main/cli.js';

const children = new Set<ChildProcess>();
const killChildren = () => {
  for (const child of children) child.kill('SIGKILL');
};
let guarding = false;

/** Kills the child when this process exits, also on Ctrl+C or SIGTERM (which skip 'exit' handlers). */
function track(child: ChildProcess): ChildProcess {
  if (!guarding) {
    guarding = true;
    process.once('exit', killChildren);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        killChildren();
        process.exit(130);
      });
    }
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
export function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Builds the app (electron-vite) when out/ has no built CLI or renderer; says so when it does. */
export function ensureBuilt(): void {
  if (existsSync(`${ROOT}${CLI}`) && existsSync(`${ROOT}out/renderer/index.html`)) return;
  console.log('  out/ has no built app: running electron-vite build');
  const result = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`electron-vite build failed with exit code ${result.status}`);
}

export interface DoubleProcess {
  kubeconfig: string;
  /** Sends one command line (see apiServerDoubleProcess.ts) and resolves with its answer. */
  command(line: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startDouble(size: ClusterSize): Promise<DoubleProcess> {
  const child = track(spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./apiServerDoubleProcess.ts', import.meta.url)), JSON.stringify(size), '--control'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = createInterface({ input: child.stdout! });
  // Answers come in the order the commands were sent.
  const waiting: { line: string; resolve: (answer: Record<string, unknown>) => void; reject: (error: Error) => void }[] = [];
  let exited: Error | undefined;
  const ready = new Promise<{ kubeconfig: string }>((resolve, reject) => {
    lines.once('line', (line) => {
      resolve(JSON.parse(line) as { kubeconfig: string });
      lines.on('line', (answerLine) => {
        const answer = JSON.parse(answerLine) as Record<string, unknown>;
        const next = waiting.shift();
        if (!next) return;
        if (typeof answer.error === 'string') next.reject(new Error(`the API server double refused "${next.line}": ${answer.error}`));
        else next.resolve(answer);
      });
    });
    child.once('exit', (code, signal) => {
      exited = new Error(`the API server double exited (${signal ?? `code ${code}`})`);
      reject(exited);
      for (const next of waiting.splice(0)) next.reject(exited);
    });
  });
  const { kubeconfig } = await ready;
  return {
    kubeconfig,
    command: (line) =>
      new Promise((resolve, reject) => {
        if (exited) return reject(exited);
        waiting.push({ line, resolve, reject });
        child.stdin!.write(`${line}\n`);
      }),
    stop: () => stopProcess(child),
  };
}

export interface ServeProcess {
  url: string;
  /** Its resident memory now, in MiB, where /proc tells (Linux); undefined elsewhere or once it has gone. */
  rssMiB(): number | undefined;
  stop(): Promise<void>;
}

/** A process's resident memory in MiB, from /proc/PID/status; undefined where that cannot be read. */
function rssMiBOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

/** Where serve writes a CPU profile as it stops (it ends on SIGTERM), from STRATA_BENCH_SERVE_PROFILE; none by default. */
export const serveProfileDir = process.env.STRATA_BENCH_SERVE_PROFILE ? resolvePath(process.env.STRATA_BENCH_SERVE_PROFILE) : undefined;

/** Node's flags for a CPU profile written into `dir` as the process stops, named `name` when given; none without a directory. */
export function cpuProfileFlags(dir: string | undefined, name?: string): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...(name ? [`--cpu-prof-name=${name}`] : [])] : [];
}

/** How long a process writing a CPU profile has to stop before it is killed: a profile of minutes at 150,000 pods takes a while. */
export const PROFILING_STOP_GRACE_MS = 120_000;

/**
 * `node out/main/cli.js serve --kubeconfig … --context bench`, resolved with the URL it prints.
 * `name` names its CPU profile, when STRATA_BENCH_SERVE_PROFILE asks for one.
 */
export async function startServe(kubeconfig: string, name = 'serve'): Promise<ServeProcess> {
  const profile = cpuProfileFlags(serveProfileDir, `${name}.cpuprofile`);
  const graceMs = serveProfileDir ? PROFILING_STOP_GRACE_MS : 10_000;
  const child = track(spawn(process.execPath, [...profile, CLI, 'serve', '--kubeconfig', kubeconfig, '--context', 'bench'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        const match = /Open (\S+)/.exec(out);
        if (match) resolve(match[1]);
      });
      child.once('exit', (code, signal) => reject(new Error(`strata serve exited (${signal ?? `code ${code}`}) before printing its URL: ${stderr.trim()}`)));
    });
    return { url, rssMiB: () => rssMiBOf(child.pid), stop: () => stopProcess(child, graceMs) };
  } catch (error) {
    await stopProcess(child, graceMs);
    throw error;
  }
}
