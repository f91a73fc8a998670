import type { Core } from 'cytoscape';
import type { GraphElement } from '../../core/view/toElements';
import type { Camera } from '../../shared/savedView';
import { fitZoomOf } from './labels';

/** Screen pixels left around the picture when it is fitted. */
export const FIT_PADDING = 40;

/** Where Cytoscape's camera is now. */
export function cameraOf(core: Core): Camera {
  return { zoom: core.zoom(), pan: { ...core.pan() } };
}

/** Whether Cytoscape's camera is exactly at `camera`. */
export function cameraIsAt(core: Core, camera: Camera): boolean {
  const pan = core.pan();
  return core.zoom() === camera.zoom && pan.x === camera.pan.x && pan.y === camera.pan.y;
}

/** About the zoom a fit of these elements into the canvas will take (see fitZoomOf): nothing is measured. */
export function fitZoomFor(core: Core, elements: readonly GraphElement[]): number | undefined {
  return fitZoomOf(elements, { width: core.width(), height: core.height(), padding: FIT_PADDING, minZoom: core.minZoom(), maxZoom: core.maxZoom() });
}

/**
 * Fits the picture into the canvas, the labels first scaled (`rescale`) for the zoom the fit will
 * take, as the fit measures them. Returns where it left the camera.
 */
export function fitToCanvas(core: Core, elements: readonly GraphElement[], rescale: (zoom: number) => void): Camera {
  const zoom = fitZoomFor(core, elements);
  if (zoom !== undefined) rescale(zoom);
  core.fit(undefined, FIT_PADDING);
  return cameraOf(core);
}
