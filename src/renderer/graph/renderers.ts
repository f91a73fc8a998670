import type { Core } from 'cytoscape';

// Which of Cytoscape's renderers draws the graph, and how its 2D canvas reaches the screen (see docs/scale.md, "Renderer").

/** GL renderers that run on the CPU: WebGL through them is slower than Cytoscape's 2D canvas (see docs/scale.md). */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i;

/** What draws WebGL2 in this browser: a GPU, the CPU (a machine or VM without a GPU), or nothing (none, or blocked). */
function webGlDrawnBy(): 'gpu' | 'cpu' | 'nothing' {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return 'nothing';
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return SOFTWARE_GL.test(renderer) ? 'cpu' : 'gpu';
  } catch {
    return 'nothing';
  }
}

/**
 * Cytoscape's WebGL mode where the browser has WebGL2 on a GPU, the 2D canvas otherwise;
 * `?renderer=canvas` or `?renderer=webgl` in the page's URL chooses. `withoutGpu`: WebGL2 runs on
 * the CPU, so the page has no GPU. A browser without WebGL2 may still draw and composite on a GPU
 * (its WebGL blocked), so that does not count.
 */
export function chooseRenderer(): { renderer: 'webgl' | 'canvas'; withoutGpu: boolean } {
  const asked = new URLSearchParams(location.search).get('renderer');
  if (asked === 'webgl') return { renderer: 'webgl', withoutGpu: false };
  const drawnBy = webGlDrawnBy();
  return { renderer: asked === 'canvas' || drawnBy !== 'gpu' ? 'canvas' : 'webgl', withoutGpu: drawnBy === 'cpu' };
}

/** What `desynchronizeDrawnLayers` reads and replaces of Cytoscape's 2D canvas renderer (3.x). */
interface CanvasLayers {
  DRAG: number;
  NODE: number;
  data: { canvases: HTMLCanvasElement[]; contexts: CanvasRenderingContext2D[] };
}

/**
 * Gives Cytoscape's node and drag layers `desynchronized` contexts, which Chromium hands to its
 * compositor apart from the page's frames. Without a GPU, Chromium copied each canvas drawn on
 * to the compositor as part of the frame's commit, and now and then that copy took 20 ms or more
 * a canvas (1,600 × 1,000 in the benchmark): most of the frames over 50 ms left under churn (see
 * docs/scale.md). The layers may then reach the screen a frame apart (a node being picked up or
 * dropped, shown twice or not at all for a frame). Left as they are: the top layer, which takes
 * the pointer, as a press on a desynchronized canvas has Chromium deliver every pointer move
 * instead of one a frame, and Cytoscape looks for what is under the pointer on each while a
 * button is down; and the hidden buffers, which are never shown. Only without a GPU: with GPU
 * raster on some systems (Windows, ChromeOS, Android) Chromium may show such a canvas from its
 * front buffer, half drawn. Call before anything is drawn: the layers are new, blank canvases.
 */
export function desynchronizeDrawnLayers(core: Core): void {
  const renderer = (core as unknown as { renderer(): Partial<CanvasLayers> | null }).renderer();
  const data = renderer?.data;
  if (!renderer || !data?.canvases || renderer.DRAG === undefined || renderer.NODE === undefined) return;
  for (const layer of [renderer.DRAG, renderer.NODE]) {
    const old = data.canvases[layer];
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { desynchronized: true });
    if (!old || !context) continue;
    for (const { name, value } of old.attributes) canvas.setAttribute(name, value);
    canvas.width = old.width;
    canvas.height = old.height;
    old.replaceWith(canvas);
    data.canvases[layer] = canvas;
    data.contexts[layer] = context;
  }
}
