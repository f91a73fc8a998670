/**
 * `npm run bench -- render`: Strata's picture at cluster scale, in Chromium, with the WebGL and the
 * canvas Cytoscape renderers side by side. Figures only, never pass/fail.
 *
 * STRATA_BENCH_RENDERERS (e.g. `canvas`) picks columns; STRATA_BENCH_CHURN_SECONDS shortens the churn;
 * STRATA_BENCH_SERVE_PROFILE=DIR has each serve write a CPU profile there.
 * One API server double (its own process) serves SCALE_150K plus one namespace of 3,000 pods; each
 * column gets a fresh `strata serve` and a fresh browser, with the page opened while serve still
 * syncs, so both see the same start. The double's state is put back after each run (churned pods
 * deleted, every pod Ready again). Timings are taken in the page, frame by frame (renderPage.ts).
 */
import { availableParallelism, cpus } from 'node:os';
import { chromium, type Browser, type JSHandle, type Page } from '@playwright/test';
import { installRenderProbe, NAME_HELPER_SHIM, REQUIRED_HOOKS, type BenchProbe, type FrameStats, type RenderHooks } from './renderPage';
import { ensureBuilt, serveProfileDir, startDouble, startServe, type DoubleProcess, type ServeProcess } from './renderProcesses';
import { SCALE_150K, syntheticPodsOf, type ClusterSize } from './syntheticCluster';

const BIG = { name: 'big', pods: 3_000, services: 30 };
const SIZE: ClusterSize = { ...SCALE_150K, bigNamespace: BIG };

/** Together these give WebGL2 through SwiftShader (ANGLE on Vulkan) in headless Chromium here, in its GPU process. */
const SWIFTSHADER_GPU = ['--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--use-angle=swiftshader'];
/**
 * The columns: a renderer, and how Chromium runs for it. This machine has no GPU. WebGL needs one,
 * so its column emulates one (SwiftShader). The canvas renderer is what Strata picks where WebGL
 * would run on the CPU (chooseRenderer in src/renderer/graph/renderers.ts), and there Chromium has
 * no GPU either: it composites and draws 2D canvases in software (`--disable-gpu`). `canvas-gpu`,
 * not run unless asked for, draws the 2D canvas through the emulated GPU, as this benchmark did
 * until the fifth session of 2026-12-02: frames then wait on SwiftShader (pan/zoom 13.5–16.2 fps
 * against 30.9–37.2; under 60 s of churn, 136 of 2,897 frames over 50 ms against 20 of 3,439;
 * both before the canvas's layers were desynchronized).
 */
const COLUMNS = {
  webgl: { renderer: 'webgl', args: SWIFTSHADER_GPU },
  canvas: { renderer: 'canvas', args: ['--disable-gpu'] },
  'canvas-gpu': { renderer: 'canvas', args: SWIFTSHADER_GPU },
} as const;
type Column = keyof typeof COLUMNS;
/**
 * The columns to run, from STRATA_BENCH_RENDERERS: `webgl,canvas` unless it says otherwise (`canvas`
 * alone is quick: the WebGL run takes most of the time on a software GL). An unknown name, or none,
 * stops the render phase. It is read when the phase runs, as every phase's process imports this file.
 */
function columnsAsked(list = process.env.STRATA_BENCH_RENDERERS ?? 'webgl,canvas'): Column[] {
  const names = [...new Set(list.split(',').map((name) => name.trim()).filter(Boolean))];
  const unknown = names.filter((name) => !Object.hasOwn(COLUMNS, name));
  if (unknown.length > 0 || names.length === 0) throw new Error(`STRATA_BENCH_RENDERERS names ${unknown.join(', ') || 'no column'}; the columns are ${Object.keys(COLUMNS).join(', ')}`);
  return names as Column[];
}
const BASE_ARGS = ['--no-sandbox', '--disable-dev-shm-usage'];
const CHURN_RATE = 1_000;
const CHURN_SECONDS = Number(process.env.STRATA_BENCH_CHURN_SECONDS ?? 60);
const ELEMENTS_FOR_PANNING = 10_000;
const PAN_ZOOM_SECONDS = 5;
const CHANGE_SAMPLES = 5;
/** When, as shares of the churn, a pod of a folded namespace turns not Ready (namespaces after those of the CHANGE_SAMPLES). */
const DURING_CHURN = [1 / 6, 1 / 2, 5 / 6];
/** How long one step may take before the run gives up on it (some took over a minute with the renderer mid-rewrite). */
const PATIENCE_MS = 300_000;

interface Figures {
  /** The page's WebGL2 version and renderer strings. */
  gl?: string;
  renderer?: string;
  firstPaintMs?: number;
  drillMs?: number;
  panZoom?: FrameStats & { drawn: number };
  heapMiB?: number;
  churn?: FrameStats;
  /** A pod of a folded namespace made not Ready during the churn → painted, ms, for each of DURING_CHURN. */
  churnChangeMs?: number[];
  /** serve's resident memory as the churn began and at most during it, MiB (sampled every 250 ms). */
  serveRss?: { before: number; peak: number };
  changeMs?: number[];
  stopped?: string;
}

const log = (line: string) => console.log(`  ${line}`);
const bigId = `Namespace/${BIG.name}`;

export async function benchRender(): Promise<void> {
  const columns = columnsAsked();
  console.log(`\nThe picture in Chromium (${columns.join(', ')}): ${SIZE.pods} pods, ${SIZE.services} Services, ${SIZE.nodes} nodes, ${SIZE.namespaces} namespaces, plus namespace ${BIG.name} with ${BIG.pods} pods (API server double in its own process)`);
  if (serveProfileDir) log(`serve writes CPU profiles to ${serveProfileDir} (serve-COLUMN.cpuprofile): the figures are those of a profiled (slower) serve`);
  ensureBuilt();
  const double = await startDouble(SIZE);
  const results = new Map<Column, Figures>();
  try {
    for (const column of columns) {
      const figures: Figures = {};
      results.set(column, figures);
      log(`— ${column}: Chromium ${[...BASE_ARGS, ...COLUMNS[column].args].join(' ')} —`);
      try {
        await runColumn(column, double, figures);
      } catch (error) {
        figures.stopped = (error as Error).message.split('\n')[0];
        log(`${column}: stopped: ${figures.stopped}`);
      }
    }
  } finally {
    await double.stop();
  }
  printTable(columns, results);
}

/** One column's run, filling `figures` as it goes. */
async function runColumn(column: Column, double: DoubleProcess, figures: Figures): Promise<void> {
  const { renderer, args } = COLUMNS[column];
  const serve = await startServe(double.kubeconfig, `serve-${column}`);
  let browser: Browser | undefined;
  const notReady: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium', args: [...BASE_ARGS, ...args] });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('crash', () => log(`the ${column} page crashed`));
    await page.addInitScript({ content: NAME_HELPER_SHIM });
    await page.addInitScript(installRenderProbe, { patienceMs: PATIENCE_MS });
    const url = new URL(serve.url);
    url.searchParams.set('renderer', renderer);
    await page.goto(url.href);
    const probe = await page.evaluateHandle(() => (globalThis as unknown as { strataBench: BenchProbe }).strataBench);
    figures.gl = (await probe.evaluate((p) => p.webgl2())) ?? 'no WebGL2';
    log(`WebGL2 in the page: ${figures.gl}`);

    figures.renderer = await checkHooks(page);
    if (figures.renderer !== renderer) log(`asked for ${renderer}, the page uses ${figures.renderer}`);

    // 1. Synced → the first painted cluster level, both seen on the page's clock.
    figures.firstPaintMs = await firstPaint(page, probe);

    // 2. Into the 3,000-pod namespace, from a settled cluster level: on a slow renderer the paints of
    // what sync drew before may still be coming, and the drill would be timed against them.
    const calm = await probe.evaluate((p) => p.settle(1_000));
    if (!calm.settled) log(`the cluster level did not settle within ${PATIENCE_MS / 1000} s; the drill is timed anyway`);
    const drill = await probe.evaluate((p, id) => p.drill(id), bigId);
    figures.drillMs = drill.ms;
    log(`expand ${bigId} → painted: ${ms(drill.ms)} (${drawn(drill.view)})`);

    // 3. Panning and zooming at about 10,000 drawn elements (or more, when the cluster level alone draws more).
    const grown = await probe.evaluate((p, [target, done]) => p.grow(target, done), [ELEMENTS_FOR_PANNING, [bigId]] as [number, string[]]);
    log(`expanded ${grown.expanded.length} more aggregates: ${drawn(grown.view)}`);
    const frames = await panAndZoom(page, probe);
    figures.panZoom = { ...frames, drawn: grown.view.drawnNodes + grown.view.drawnEdges };
    log(`pan and zoom for ${frames.seconds.toFixed(1)} s: ${frames.fps.toFixed(1)} fps, longest frame ${ms(frames.longestMs)}`);

    // 4. The page's JS heap there, after a full GC.
    figures.heapMiB = await heapAfterGc(page);
    log(`JS heap after GC: ${figures.heapMiB.toFixed(0)} MiB`);

    // 5. Churn in the big namespace, at the namespace level (only the big namespace expanded).
    if (grown.expanded.length > 0) {
      const back = await probe.evaluate((p, ids) => p.change({ collapse: ids }, 500), [...grown.expanded].reverse());
      log(`collapsed back to ${drawn(back.view)}`);
    }
    if (CHURN_SECONDS > 0) Object.assign(figures, await churnFrames(probe, double, serve, notReady));
    else log('churn skipped (STRATA_BENCH_CHURN_SECONDS=0)');

    // 6. A server change to the picture: one pod not Ready, in a namespace folded at cluster level.
    const cluster = await probe.evaluate((p, id) => p.change({ collapse: [id] }, 500), bigId);
    log(`collapsed ${bigId}: ${drawn(cluster.view)}`);
    figures.changeMs = await changeToPicture(page, probe, double, notReady);
  } finally {
    for (const pod of notReady) await double.command(`ready ${pod}`).catch(() => {});
    await browser?.close();
    await serve.stop();
  }
}

/**
 * Milliseconds from the double making a pod not Ready (its Date.now()) to the paint that drew it
 * (the page's Date.now()), for CHANGE_SAMPLES pods in ns-1, ns-2…, each folded into its namespace
 * before. `notReady` collects them, `namespace pod`, for the caller to put back.
 */
async function changeToPicture(page: Page, probe: JSHandle<BenchProbe>, double: DoubleProcess, notReady: string[]): Promise<number[]> {
  const listed: number[] = [];
  const painted: number[] = [];
  for (let i = 1; i <= CHANGE_SAMPLES; i++) {
    const namespace = `ns-${i}`;
    const id = await foldedPod(probe, namespace);
    const seen = probe.evaluate((p, podId) => p.waitForDrawn(podId, 60_000), id);
    seen.catch(() => {}); // awaited below; this only keeps a failed command from leaving it unhandled
    notReady.push(`${namespace} ${id.split('/')[2]}`);
    const { appliedAt } = await double.command(`notready ${notReady[notReady.length - 1]}`);
    const { listedAt, paintedAt } = await seen;
    listed.push(listedAt - (appliedAt as number));
    painted.push(paintedAt - (appliedAt as number));
    // The next sample starts once the picture is quiet, not after a fixed pause.
    await probe.evaluate((p) => p.settle(500));
  }
  log(`pod not Ready → in Cytoscape: ${listed.map(ms).join(', ')}; → painted: ${painted.map(ms).join(', ')}`);
  return painted;
}

/**
 * Frame times while the double makes CHURN_RATE pod events a second in the big namespace, then
 * waits for the paints to settle. Meanwhile, at each share of the churn in DURING_CHURN, a pod of
 * another namespace (folded into it) turns not Ready: ms from then to the paint that drew it.
 * `notReady` collects those pods, `namespace pod`, for the caller to put back.
 */
async function churnFrames(probe: JSHandle<BenchProbe>, double: DoubleProcess, serve: ServeProcess, notReady: string[]): Promise<Pick<Figures, 'churn' | 'churnChangeMs' | 'serveRss'>> {
  const changes: { id: string; pod: string; second: number }[] = [];
  for (const [k, share] of DURING_CHURN.entries()) {
    const id = await foldedPod(probe, `ns-${CHANGE_SAMPLES + 1 + k}`);
    changes.push({ id, pod: id.slice('Pod/'.length), second: Math.round(share * CHURN_SECONDS) });
  }
  const seen = changes.map(({ id }) => probe.evaluate((p, [podId, withinMs]) => p.waitForDrawn(podId, withinMs), [id, (CHURN_SECONDS + 120) * 1000] as [string, number]));
  for (const wait of seen) wait.catch(() => {}); // awaited below; this only keeps a failed churn from leaving them unhandled
  notReady.push(...changes.map(({ pod }) => pod.replace('/', ' ')));
  await probe.evaluate((p) => p.startFrames());
  const rss = serve.rssMiB();
  let peak = rss ?? 0;
  const sampling = setInterval(() => (peak = Math.max(peak, serve.rssMiB() ?? 0)), 250);
  const churn = await double.command(`churn ${CHURN_RATE} ${CHURN_SECONDS} ${BIG.name} ${changes.map(({ pod, second }) => `${pod}@${second}`).join(' ')}`).finally(() => clearInterval(sampling));
  const frames = await probe.evaluate((p) => p.stopFrames());
  const ended = Date.now();
  const settled = await probe.evaluate((p) => p.settle(1_000));
  log(`churn: the double applied ${churn.events} pod events in ${churn.seconds} s (${churn.rate}/s, at worst ${churn.worstBacklog} behind its schedule)`);
  log(`churn frames: longest ${ms(frames.longestMs)}, p95 ${ms(frames.p95Ms)}, ${frames.over50} of ${frames.frames} over 50 ms, ${frames.fps.toFixed(1)} fps; paints ${settled.settled ? 'settled' : 'still going'} ${((Date.now() - ended) / 1000).toFixed(1)} s after it ended`);
  const notReadyAt = churn.notReadyAt as Record<string, number>;
  const painted = await Promise.all(seen);
  const churnChangeMs = painted.map(({ paintedAt }, k) => paintedAt - notReadyAt[changes[k].pod]);
  log(`a pod of a folded namespace made not Ready during the churn (at ${changes.map(({ second }) => `${second} s`).join(', ')}) → painted: ${churnChangeMs.map(ms).join(', ')}`);
  const serveRss = rss === undefined ? undefined : { before: rss, peak };
  if (serveRss) log(`serve's resident memory: ${serveRss.before.toFixed(0)} MiB as the churn began, at most ${serveRss.peak.toFixed(0)} MiB during it`);
  return { churn: frames, churnChangeMs, ...(serveRss ? { serveRss } : {}) };
}

/** A pod of `namespace` that the picture does not draw now: folded into the namespace, as every pod is when nothing is wrong. */
async function foldedPod(probe: JSHandle<BenchProbe>, namespace: string): Promise<string> {
  const candidates = syntheticPodsOf(SIZE, namespace).map(({ name }) => `Pod/${namespace}/${name}`);
  const id = await probe.evaluate((p, ids) => ids.find((candidate) => !p.isDrawn(candidate)), candidates);
  if (!id) throw new Error(`every pod of ${namespace} is drawn; none is left to make not Ready`);
  return id;
}

/**
 * Milliseconds from 'synced' to the first painted cluster level of the synced revision or a later
 * one. When the page painted it before sync turned 'synced' and nothing more within 120 s of it,
 * that is 0 ms.
 */
async function firstPaint(page: Page, probe: JSHandle<BenchProbe>): Promise<number> {
  const quietAfterSynced = 120_000;
  const settled = ([p, quietMs]: [BenchProbe, number]) => p.firstPaint.paintedAt !== undefined || (p.firstPaint.syncedAt !== undefined && performance.now() - p.firstPaint.syncedAt > quietMs);
  await page.waitForFunction(settled, [probe, quietAfterSynced] as [JSHandle<BenchProbe>, number], { timeout: 600_000, polling: 250 }).catch(async (error: Error) => {
    const seen = await page.evaluate(() => (globalThis as unknown as { strataGraph: RenderHooks }).strataGraph.view());
    throw new Error(`no painted cluster level within 600 s (${error.message.split('\n')[0]}); the view is ${JSON.stringify(seen)}`);
  });
  const first = await probe.evaluate((p) => p.firstPaint);
  if (first.paintedAt !== undefined) {
    log(`synced → first painted cluster level: ${ms(first.paintedAt - first.syncedAt!)} (${drawn(first.view!)})`);
    return first.paintedAt - first.syncedAt!;
  }
  const before = first.syncedView!;
  if (before.painted > 0 && before.revision >= before.statusRevision && before.level === 'cluster' && before.drawnNodes > 0) {
    log(`the cluster level was painted before sync turned 'synced' (${drawn(before)}), and nothing was painted in the ${quietAfterSynced / 1000} s after: counted as 0 ms`);
    return 0;
  }
  throw new Error(`no painted cluster level within ${quietAfterSynced / 1000} s of 'synced'; the view then was ${JSON.stringify(before)}`);
}

/** Waits for the graph and its hooks; says which hooks are missing. Resolves with the renderer in use. */
async function checkHooks(page: Page): Promise<string> {
  await page.getByTestId('graph-canvas').waitFor({ timeout: 120_000 });
  const missing = await page.evaluate((names) => {
    const hooks = (globalThis as unknown as { strataGraph?: Record<string, unknown> }).strataGraph;
    return hooks ? names.filter((name) => typeof hooks[name] !== 'function') : ['window.strataGraph itself'];
  }, REQUIRED_HOOKS as string[]);
  if (missing.length > 0) {
    throw new Error(
      `the page lacks the renderer hooks this benchmark drives: ${missing.map((name) => (name.includes(' ') ? name : `window.strataGraph.${name}()`)).join(', ')}. ` +
        'It needs renderer(), view() (revision, level, drawnNodes, drawnEdges, painted, sync), expand(id), collapse(id) and ids(); see test/bench/renderPage.ts.',
    );
  }
  return page.evaluate(() => (globalThis as unknown as { strataGraph: RenderHooks }).strataGraph.renderer());
}

/**
 * Wheel zooms about points across the graph, and drags from the canvas's corners (where a fitted
 * graph leaves background, so they pan rather than move a node), while the page records frames.
 */
async function panAndZoom(page: Page, probe: JSHandle<BenchProbe>): Promise<FrameStats> {
  const box = (await page.getByTestId('graph-canvas').boundingBox())!;
  await probe.evaluate((p) => p.startFrames());
  const end = Date.now() + PAN_ZOOM_SECONDS * 1000;
  for (let i = 0; Date.now() < end; i++) {
    await page.mouse.move(box.x + box.width * (0.25 + 0.1 * (i % 6)), box.y + box.height * (0.3 + 0.08 * (i % 5)));
    for (let k = 0; k < 3; k++) await page.mouse.wheel(0, i % 2 === 0 ? -120 : 120);
    // Out from the top-left corner, then back from the bottom-right one.
    const [from, sign] = i % 2 === 0 ? [{ x: box.x + 6, y: box.y + 6 }, 1] : [{ x: box.x + box.width - 6, y: box.y + box.height - 6 }, -1];
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let step = 1; step <= 10; step++) await page.mouse.move(from.x + sign * step * 25, from.y + sign * step * 15);
    await page.mouse.up();
  }
  return probe.evaluate((p) => p.stopFrames());
}

async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize / 1048576;
  } finally {
    await cdp.detach();
  }
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const drawn = (view: { drawnNodes: number; drawnEdges: number; level: string }) => `${view.drawnNodes} nodes + ${view.drawnEdges} edges drawn, level ${view.level}`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

function printTable(columns: Column[], results: Map<Column, Figures>): void {
  const f = (column: Column) => results.get(column) ?? {};
  const cell = (value: number | undefined, format: (v: number) => string) => (value === undefined ? '—' : format(value));
  const rows: [string, (figures: Figures) => string, string][] = [
    ['renderer in use (strataGraph.renderer())', (x) => x.renderer ?? '—', 'as asked'],
    ['synced → first painted cluster level', (x) => cell(x.firstPaintMs, ms), '≤ 1000 ms'],
    [`expand ${bigId} (${BIG.pods} pods) → interactive`, (x) => cell(x.drillMs, ms), '≤ 400 ms'],
    ['pan/zoom: drawn nodes + edges', (x) => cell(x.panZoom?.drawn, String), `~${ELEMENTS_FOR_PANNING}`],
    ['pan/zoom: fps', (x) => cell(x.panZoom?.fps, (v) => v.toFixed(1)), '≥ 30 fps'],
    ['pan/zoom: longest frame', (x) => cell(x.panZoom?.longestMs, ms), '—'],
    ['JS heap after GC, at that view', (x) => cell(x.heapMiB, (v) => `${v.toFixed(0)} MiB`), '≤ 400 MB'],
    [`${CHURN_RATE} pod events/s × ${CHURN_SECONDS} s: longest frame`, (x) => cell(x.churn?.longestMs, ms), 'no frame > 50 ms'],
    ['… p95 frame', (x) => cell(x.churn?.p95Ms, ms), '—'],
    ['… frames over 50 ms', (x) => (x.churn ? `${x.churn.over50} of ${x.churn.frames}` : '—'), 'none'],
    [`… a pod made not Ready meanwhile → painted, median / max of ${DURING_CHURN.length}`, (x) => (x.churnChangeMs?.length ? `${median(x.churnChangeMs).toFixed(0)} / ${Math.max(...x.churnChangeMs).toFixed(0)} ms` : '—'), '≤ 1000 ms'],
    ["… serve's resident memory: as it began → at most", (x) => (x.serveRss ? `${x.serveRss.before.toFixed(0)} → ${x.serveRss.peak.toFixed(0)} MiB` : '—'), '—'],
    [`pod not Ready after it → painted, median of ${CHANGE_SAMPLES}`, (x) => cell(x.changeMs?.length ? median(x.changeMs) : undefined, ms), '≤ 1000 ms'],
    ['… max', (x) => cell(x.changeMs?.length ? Math.max(...x.changeMs) : undefined, ms), '≤ 1000 ms'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const cells = rows.map(([, value]) => columns.map((c) => value(f(c))));
  const cellWidth = Math.max(9, ...columns.map((c) => c.length), ...cells.flat().map((v) => v.length));
  const line = (label: string, values: string[], target: string) => log(`${label.padEnd(width)} | ${values.map((v) => v.padStart(cellWidth)).join(' | ')} | ${target}`);
  console.log();
  log(`Machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'})`);
  for (const column of columns) log(`${column}: Chromium ${[...BASE_ARGS, ...COLUMNS[column].args].join(' ')}; WebGL2 in the page: ${f(column).gl ?? 'not reached'}`);
  line('measure', columns, 'target');
  log(`${'-'.repeat(width)}-|-${columns.map(() => '-'.repeat(cellWidth)).join('-|-')}-|-${'-'.repeat(16)}`);
  rows.forEach(([label, , target], i) => line(label, cells[i], target));
  for (const column of columns) if (f(column).stopped) log(`${column} stopped early: ${f(column).stopped}`);
}
