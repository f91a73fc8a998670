import { spawn, type ChildProcess } from 'node:child_process';
import { test as base } from '@playwright/test';
import type { ViewGraph } from '../../src/shared/view';
import { describeTotals } from '../../src/shared/view';

/** The built CLI, as `npm run serve` runs it. */
export const CLI = 'out/main/cli.js';

export interface StrataServe {
  url: string;
  stop(): Promise<void>;
}

/** Starts `strata serve ARGS` and resolves with the URL it prints. */
export async function startServe(args: string[]): Promise<StrataServe> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /Open (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on('close', (code) => reject(new Error(`strata serve exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A test with a `strata serve --demo` running for it. */
export const test = base.extend<{ demo: StrataServe }>({
  // Playwright requires the fixture's first argument to be a destructuring pattern.
  // eslint-disable-next-line no-empty-pattern
  demo: async ({}, use) => {
    const server = await startServe(['--demo']);
    await use(server);
    await server.stop();
  },
});

export { expect } from '@playwright/test';

/** The summary line the page shows for a view: every object counted, and what is drawn. */
export const summaryOf = (view: ViewGraph) => `${describeTotals(view.totals)} · drawn: ${view.nodes.length.toLocaleString('en-US')} nodes, ${view.edges.length.toLocaleString('en-US')} edges`;
