/**
 * The page side of the render benchmark (render.ts). installRenderProbe runs in the page before
 * Strata's own scripts (page.addInitScript) and leaves `window.strataBench`, which times things on
 * the page's own clock, frame by frame, so that no round trip to the benchmark process is counted.
 *
 * Everything here runs in the browser: installRenderProbe is sent as its source text, so it uses
 * nothing from outside its own body (tsc checks this folder without the DOM's types, hence the
 * small PageGlobal below).
 */

/** What the renderer's `view()` hook reports. */
export interface ViewState {
  revision: number;
  level: string;
  drawnNodes: number;
  drawnEdges: number;
  /** Grows by one each time an update of the drawn view was applied to Cytoscape and a frame painted after it. */
  painted: number;
  sync: string;
  /** The revision the status (and so `sync`) describes; the view drawn may be of an earlier one. */
  statusRevision: number;
}

/** The hooks on `window.strataGraph` that the benchmark drives. */
export interface RenderHooks {
  renderer(): 'webgl' | 'canvas';
  view(): ViewState;
  expand(id: string): void;
  collapse(id: string): void;
  ids(): string[];
}

export const REQUIRED_HOOKS: readonly (keyof RenderHooks)[] = ['renderer', 'view', 'expand', 'collapse', 'ids'];

export interface FrameStats {
  frames: number;
  seconds: number;
  fps: number;
  longestMs: number;
  p95Ms: number;
  /** Frames longer than 50 ms (a 20 fps frame), the target's limit. */
  over50: number;
}

export interface BenchProbe {
  /**
   * The first moment (page clock, ms) sync was seen 'synced' and the view then, and the first
   * painted cluster level of that revision or a later one, with its view.
   */
  firstPaint: { syncedAt?: number; syncedView?: ViewState; paintedAt?: number; view?: ViewState };
  /** WebGL2's version and renderer strings, or null when the page cannot have a WebGL2 context. */
  webgl2(): string | null;
  startFrames(): void;
  stopFrames(): FrameStats;
  /** expand(id), then the time until a paint that drew more nodes, plus one more frame. */
  drill(id: string): Promise<{ ms: number; view: ViewState }>;
  /**
   * Collapses and expands ids, then waits for a paint and for `quietMs` without another one, all
   * within the patience: painted=false when nothing was painted, settled=false when paints went on.
   */
  change(actions: { expand?: string[]; collapse?: string[] }, quietMs: number): Promise<{ painted: boolean; settled: boolean; view: ViewState }>;
  /** Waits for `quietMs` without a paint (settled=false: paints went on for the whole patience). */
  settle(quietMs: number): Promise<{ settled: boolean; view: ViewState }>;
  /**
   * Expands workload aggregates, then namespace aggregates, a few at a time, until at least
   * `target` nodes and edges are drawn; `done` lists ids that are expanded already.
   */
  grow(target: number, done: string[]): Promise<{ view: ViewState; expanded: string[] }>;
  isDrawn(id: string): boolean;
  /** Date.now() when `id` is first drawn (in Cytoscape), and when the paint after that has happened; fails after withinMs. */
  waitForDrawn(id: string, withinMs: number): Promise<{ listedAt: number; paintedAt: number }>;
}

interface PageGlobal {
  strataGraph?: Partial<RenderHooks> & { renderedBox?(id: string): object | null };
  strataBench?: BenchProbe;
  requestAnimationFrame(callback: (time: number) => void): number;
  document: { createElement(tag: 'canvas'): { getContext(kind: 'webgl2'): WebGl2Strings | null } };
}

interface WebGl2Strings {
  VERSION: number;
  RENDERER: number;
  getParameter(name: number): unknown;
  getExtension(name: 'WEBGL_debug_renderer_info'): { UNMASKED_RENDERER_WEBGL: number } | null;
}

/**
 * tsx compiles this file with esbuild's keepNames, which wraps inner functions in `__name(fn,
 * "name")`; the page has no such helper, so this goes in first.
 */
export const NAME_HELPER_SHIM = 'globalThis.__name ??= (fn) => fn;';

/** `patienceMs`: how long any one wait may last before it fails, saying what it waited for. */
export function installRenderProbe({ patienceMs }: { patienceMs: number }): void {
  const page = globalThis as unknown as PageGlobal;
  const nextFrame = () => new Promise<number>((resolve) => page.requestAnimationFrame(resolve));
  const hooks = () => page.strataGraph as RenderHooks;
  const view = () => hooks().view();

  /** Checks `test` on every frame until it returns a value; rejects after patienceMs, saying what it waited for. */
  async function until<T>(test: () => T | undefined, what: string, withinMs = patienceMs): Promise<T> {
    const deadline = performance.now() + withinMs;
    for (;;) {
      const value = test();
      if (value !== undefined) return value;
      if (performance.now() > deadline) throw new Error(`timed out after ${withinMs / 1000} s waiting for ${what}; the view is ${JSON.stringify(view())}`);
      await nextFrame();
    }
  }

  const firstPaint: BenchProbe['firstPaint'] = {};
  /** How many paints there had been when a frame last found the drawn view older than the synced revision. */
  let paintedOlder = 0;
  // From the page's first frame: the moment sync turns 'synced', then the first cluster-level paint
  // of that revision. One of an older revision can come just before: kinds are held back for at
  // most 30 s while the first lists run, and past that what has been listed is drawn.
  const watchFirstPaint = () => {
    const v = typeof page.strataGraph?.view === 'function' ? page.strataGraph.view() : undefined;
    if (v) {
      if (firstPaint.syncedAt === undefined && v.sync === 'synced') {
        firstPaint.syncedAt = performance.now();
        firstPaint.syncedView = v;
      }
      const synced = firstPaint.syncedView;
      if (!synced || v.revision < synced.statusRevision) paintedOlder = v.painted;
      // A paint that landed between the previous frame and this one counts as right now.
      else if (v.painted > paintedOlder && v.level === 'cluster' && v.drawnNodes > 0) {
        firstPaint.paintedAt = performance.now();
        firstPaint.view = v;
        return;
      }
    }
    page.requestAnimationFrame(watchFirstPaint);
  };
  page.requestAnimationFrame(watchFirstPaint);

  let frameTimes: number[] | undefined;
  const recordFrame = (time: number) => {
    if (!frameTimes) return;
    frameTimes.push(time);
    page.requestAnimationFrame(recordFrame);
  };

  page.strataBench = {
    firstPaint,

    webgl2() {
      const gl = page.document.createElement('canvas').getContext('webgl2');
      if (!gl) return null;
      const debug = gl.getExtension('WEBGL_debug_renderer_info');
      return `${String(gl.getParameter(gl.VERSION))}; ${String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER))}`;
    },

    startFrames() {
      frameTimes = [];
      page.requestAnimationFrame(recordFrame);
    },

    stopFrames() {
      const times = frameTimes ?? [];
      frameTimes = undefined;
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      const sorted = [...gaps].sort((a, b) => a - b);
      const seconds = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : 0;
      return { frames: gaps.length, seconds, fps: seconds > 0 ? gaps.length / seconds : 0, longestMs: sorted[sorted.length - 1] ?? 0, p95Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0, over50: gaps.filter((gap) => gap > 50).length };
    },

    async drill(id) {
      const before = view();
      const start = performance.now();
      hooks().expand(id);
      // First the update that adds the nodes (drawnNodes is read from Cytoscape, so it rises as the
      // update is applied), then the paint that counts it: painted grows three frames after an update,
      // one after Cytoscape drew it.
      const rose = await until(() => (view().drawnNodes > before.drawnNodes ? view() : undefined), `more nodes drawn after expand('${id}')`);
      const after = await until(() => (view().painted > rose.painted ? view() : undefined), `a paint after expand('${id}') drew more nodes`);
      await nextFrame();
      return { ms: performance.now() - start, view: after };
    },

    async change(actions, quietMs) {
      const before = view().painted;
      for (const id of actions.collapse ?? []) hooks().collapse(id);
      for (const id of actions.expand ?? []) hooks().expand(id);
      const deadline = performance.now() + patienceMs;
      while (view().painted === before) {
        if (performance.now() > deadline) return { painted: false, settled: true, view: view() };
        await nextFrame();
      }
      return { painted: true, ...(await page.strataBench!.settle(quietMs)) };
    },

    async settle(quietMs) {
      const deadline = performance.now() + patienceMs;
      let last = view().painted;
      let quietSince = performance.now();
      while (performance.now() - quietSince < quietMs) {
        if (performance.now() > deadline) return { settled: false, view: view() };
        await nextFrame();
        if (view().painted !== last) [last, quietSince] = [view().painted, performance.now()];
      }
      return { settled: true, view: view() };
    },

    async grow(target, done) {
      const expanded = new Set(done);
      const drawn = () => view().drawnNodes + view().drawnEdges;
      const workload = /^(Deployment|ReplicaSet|StatefulSet|DaemonSet|Job|CronJob)\//;
      while (drawn() < target) {
        const candidates = hooks()
          .ids()
          .filter((id) => !expanded.has(id) && (workload.test(id) || id.startsWith('Namespace/')));
        if (candidates.length === 0) break;
        // Workloads first (they open the namespaces already expanded), then one more namespace.
        const batch = candidates.filter((id) => workload.test(id)).slice(0, 10);
        if (batch.length === 0) batch.push(candidates[0]);
        for (const id of batch) expanded.add(id);
        await page.strataBench!.change({ expand: batch }, 300);
      }
      return { view: view(), expanded: [...expanded].filter((id) => !done.includes(id)) };
    },

    isDrawn(id) {
      // renderedBox(id) looks one id up, where ids() lists every drawn element.
      const graph = page.strataGraph!;
      return graph.renderedBox ? graph.renderedBox(id) !== null : hooks().ids().includes(id);
    },

    async waitForDrawn(id, withinMs) {
      // Checked on every frame, so that it is seen before the paint that counts it (three frames after the update).
      const listed = await until(() => (page.strataBench!.isDrawn(id) ? { at: Date.now(), painted: view().painted } : undefined), `${id} to be drawn`, withinMs);
      await until(() => (view().painted > listed.painted ? true : undefined), `a paint after ${id} was drawn`, withinMs);
      return { listedAt: listed.at, paintedAt: Date.now() };
    },
  };
}
