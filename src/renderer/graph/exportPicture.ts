import type { Point } from '../../core/view/layout';
import { toSvg } from '../../core/view/toSvg';
import type { GraphElement } from '../../core/view/toElements';
import type { Theme } from '../../core/view/kindStyles';

/** What the drawn graph offers the Export menu; CytoscapeView fills it in once it exists. */
export interface GraphExports {
  /** A PNG of what is on screen (`full: false`) or of the whole graph, at 1× or 2× the screen's pixels. */
  png(options: { full: boolean; scale: 1 | 2 }): Promise<Blob>;
  /** Where each node is drawn now, so that an SVG is the picture on screen. */
  positions(): Record<string, Point>;
  /** Zoom and pan, for the view file. */
  camera(): { zoom: number; pan: Point };
}

/** Browsers refuse canvases past about 16,384 px a side; a bigger PNG is scaled down to fit (an SVG has no such limit). */
export const MAX_PNG_SIDE = 16_384;

export type ExportKind = 'png-view' | 'png-view-2x' | 'png-graph' | 'png-graph-2x' | 'svg' | 'view-json';

/** Saves a file: in serve mode a download; the desktop app shows its native save dialog for the same download. */
export function saveFile(name: string, content: Blob | string, type: string): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled, not before the download has started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name for an export: the source and the time, with nothing a file system refuses. */
export function exportName(source: string, extension: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  return `strata-${source.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'graph'}-${stamp}.${extension}`;
}

/** The SVG of what is drawn, at the places Cytoscape shows. */
export function svgOfScreen(elements: readonly GraphElement[], exports: GraphExports, theme: Theme, title: string): string {
  return toSvg(elements, { theme, title, positions: exports.positions() });
}
