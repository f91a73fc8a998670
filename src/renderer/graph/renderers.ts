/** Which of Cytoscape's renderers draws the graph, and how its 2D canvases are made (see docs/scale.md, "Renderer"). */

/** GL renderers that run on the CPU: WebGL through them is slower than Cytoscape's 2D canvas (see docs/scale.md). */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i;

/** Whether the browser has WebGL2 on a GPU, not none or one that runs on the CPU (a machine or VM without a GPU). */
export function hasGpuWebGl(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return !SOFTWARE_GL.test(renderer);
  } catch {
    return false;
  }
}

/** Cytoscape's WebGL mode on a GPU, the 2D canvas otherwise; `?renderer=canvas` or `?renderer=webgl` in the page's URL chooses. */
export function chooseRenderer(gpu: boolean): 'webgl' | 'canvas' {
  const asked = new URLSearchParams(location.search).get('renderer');
  if (asked === 'canvas' || asked === 'webgl') return asked;
  return gpu ? 'webgl' : 'canvas';
}

/**
 * Runs `make` (Cytoscape's constructor) with every 2D context it asks for made `desynchronized`.
 * Cytoscape draws on three stacked canvases of the graph's size. Without a GPU, Chromium copies
 * a canvas drawn on to its compositor as part of the frame's commit, and now and then that copy
 * took 20 ms or more a canvas: most of the frames over 50 ms left under churn (see
 * docs/scale.md). A desynchronized canvas is handed to the compositor apart from the page's
 * frames. Only without a GPU: with one, Chromium may draw such a canvas straight from its front
 * buffer, where a picture half drawn could show. Not in WebGL mode either: its 2D layers hold only
 * a selection box and what is dragged, and the one run with them desynchronized panned at 5.9 fps
 * on SwiftShader, against 9.6-12.7 before.
 */
export function withDesynchronizedCanvases<T>(make: () => T): T {
  const getContext = HTMLCanvasElement.prototype.getContext;
  const desynchronized = function (this: HTMLCanvasElement, kind: string, settings?: CanvasRenderingContext2DSettings) {
    return getContext.call(this, kind, kind === '2d' ? { ...settings, desynchronized: true } : settings);
  };
  HTMLCanvasElement.prototype.getContext = desynchronized as typeof getContext;
  try {
    return make();
  } finally {
    HTMLCanvasElement.prototype.getContext = getContext;
  }
}
