import { spawn } from 'node:child_process';
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { StrataBackend } from '../../src/main/backend/StrataBackend';
import { loadKubeconfig, locateKubeconfig, configForContext } from '../../src/main/cluster/kubeconfig';
import { LiveClusterSource } from '../../src/main/cluster/LiveClusterSource';
import { collectionPath, WATCHED_RESOURCES } from '../../src/main/cluster/resources';
import type { SessionStatus } from '../../src/shared/contract';
import { SCALE_150K } from './syntheticCluster';

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;

/** Every page of every list Strata makes, fetched raw: the same bytes its ingest handled. */
async function rawListPages(kubeconfig: string): Promise<Buffer[]> {
  const { config } = configForContext(loadKubeconfig(locateKubeconfig(kubeconfig)), undefined);
  const server = config.getCurrentCluster()!.server;
  const pages: Buffer[] = [];
  for (const resource of WATCHED_RESOURCES.filter((r) => !r.optional)) {
    let token: string | undefined;
    do {
      const options: Record<string, unknown> & { headers?: Record<string, string> } = {};
      await config.applyToHTTPSOptions(options);
      const url = new URL(server + collectionPath(resource));
      url.searchParams.set('limit', '500');
      if (token) url.searchParams.set('continue', token);
      const body = await new Promise<Buffer>((resolve, reject) => {
        request(url, options, async (response) => {
          const chunks: Buffer[] = [];
          for await (const chunk of response) chunks.push(chunk as Buffer);
          resolve(Buffer.concat(chunks));
        })
          .on('error', reject)
          .end();
      });
      pages.push(body);
      token = (JSON.parse(body.toString('utf8')) as { metadata: { continue?: string } }).metadata.continue || undefined;
    } while (token);
  }
  return pages;
}

/**
 * Time from start to the first synced topology of a 150k-pod cluster served by the API server
 * double, the peak heap on the way, and ingest throughput against a bare JSON.parse of the same bytes.
 */
export async function benchLiveSync(): Promise<void> {
  console.log(`\nLive sync through the Kubernetes API server double (a test double, in its own process): ${SCALE_150K.pods} pods, ${SCALE_150K.services} Services, ${SCALE_150K.nodes} nodes`);
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./apiServerDoubleProcess.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const ready = await new Promise<{ kubeconfig: string }>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { kubeconfig: string }));
      child.once('exit', (code) => reject(new Error(`the API server double exited with ${code}`)));
    });
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 25);

    const source = new LiveClusterSource({ kubeconfig: loadKubeconfig(locateKubeconfig(ready.kubeconfig)), settleMs: 100 });
    const backend = new StrataBackend(source);
    const start = performance.now();
    const synced = new Promise<SessionStatus>((resolve) => backend.subscribe((name, payload) => name === 'session.changed' && (payload as SessionStatus).sync === 'synced' && resolve(payload as SessionStatus)));
    await backend.start();
    const status = await synced;
    const syncSeconds = (performance.now() - start) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    await backend.stop();

    const pages = await rawListPages(ready.kubeconfig);
    const bytes = pages.reduce((sum, p) => sum + p.length, 0);
    const parseStart = performance.now();
    for (const page of pages) JSON.parse(page.toString('utf8'));
    const parseSeconds = (performance.now() - parseStart) / 1000;
    const ingest = bytes / syncSeconds;
    const parse = bytes / parseSeconds;

    console.log(`  ${'time to first synced topology'.padEnd(44)} ${syncSeconds.toFixed(2)} s   (target ≤ 20 s)`);
    console.log(`  ${'peak heap (Strata process)'.padEnd(44)} ${mib(peak)}   (target ≤ 1536 MiB; ${mib(peak - baseline)} above the start)`);
    console.log(`  ${'topology'.padEnd(44)} ${status.counts.nodes} nodes, ${status.counts.edges} edges from ${status.counts.objects} objects`);
    console.log(`  ${'list bytes ingested'.padEnd(44)} ${mib(bytes)} in ${pages.length} pages`);
    console.log(`  ${'ingest throughput (list→strip→topology)'.padEnd(44)} ${mib(ingest)}/s`);
    console.log(`  ${'bare JSON.parse of the same bytes'.padEnd(44)} ${mib(parse)}/s`);
    console.log(`  ${'ratio ingest / JSON.parse'.padEnd(44)} ${(ingest / parse).toFixed(2)}`);
  } finally {
    child.kill('SIGTERM');
  }
}
