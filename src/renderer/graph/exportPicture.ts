import type { Point } from '../../core/view/layout';
import { toSvg } from '../../core/view/toSvg';
import type { GraphElement } from '../../core/view/toElements';
import type { Theme } from '../../core/view/kindStyles';
import { viewFragment, type Camera, type SavedTour, type SavedView, type TourStop } from '../../shared/savedView';

/** What the drawn graph offers the Export menu; CytoscapeView fills it in once it exists. */
export interface GraphExports {
  /** A PNG of what is on screen (`full: false`) or of the whole graph, at 1× or 2× the screen's pixels. */
  png(options: { full: boolean; scale: 1 | 2 }): Promise<Blob>;
  /** Where each node is drawn now, so that an SVG is the picture on screen. */
  positions(): Record<string, Point>;
  /** Zoom and pan, for the view file. */
  camera(): Camera;
}

/** Browsers refuse canvases past about 16,384 px a side: a bigger PNG of the whole graph is drawn in tiles (tiledPng.ts). */
export const MAX_PNG_SIDE = 16_384;

export type ExportKind = 'png-view' | 'png-view-2x' | 'png-graph' | 'png-graph-2x' | 'svg' | 'view-json' | 'view-link' | 'tour-add' | 'tour-save';

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

/** What an export needs of the page: the drawn graph, its source and look, the view and the tour. */
export interface ExportContext {
  exports: GraphExports;
  /** The source's name, for file names and titles. */
  source: string;
  elements: readonly GraphElement[];
  theme: Theme;
  level: string;
  view: () => SavedView;
  tour: SavedTour | null;
  addStop: (stop: TourStop) => void;
  /** A sentence for the user about what happened (a link made, nothing to save). */
  notice: (message: string) => void;
}

/** Carries out one item of the Export menu. */
export function runExport(kind: ExportKind, c: ExportContext): void {
  switch (kind) {
    case 'svg':
      return saveFile(exportName(c.source, 'svg'), svgOfScreen(c.elements, c.exports, c.theme, `Strata: ${c.source}, ${c.level} level`), 'image/svg+xml');
    case 'view-json':
      return saveFile(exportName(c.source, 'strata-view.json'), `${JSON.stringify(c.view(), null, 2)}\n`, 'application/json');
    case 'view-link':
      // The link carries the view, not the page's token: it opens where this Strata is already open.
      history.replaceState(null, '', viewFragment({ view: c.view() }));
      void navigator.clipboard?.writeText(location.href).catch(() => {});
      return c.notice('The address bar now holds a link to this view (copied where the browser allows).');
    case 'tour-add': {
      const title = window.prompt('Title of this stop', `Stop ${(c.tour?.stops.length ?? 0) + 1}`);
      if (title === null) return;
      return c.addStop({ title, notes: window.prompt('Speaker notes for this stop', '') ?? '', view: c.view() });
    }
    case 'tour-save':
      if (!c.tour) return c.notice('The tour has no stops yet: add views to it from the Export menu first.');
      return saveFile(exportName(c.source, 'strata-tour.json'), `${JSON.stringify(c.tour, null, 2)}\n`, 'application/json');
    default:
      c.exports.png({ full: kind.startsWith('png-graph'), scale: kind.endsWith('2x') ? 2 : 1 }).then(
        (png) => saveFile(exportName(c.source, 'png'), png, 'image/png'),
        (error: Error) => window.alert(`The PNG could not be made: ${error.message}`),
      );
  }
}
