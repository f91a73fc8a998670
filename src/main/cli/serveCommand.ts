import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataBackend } from '../backend/StrataBackend';
import { hubbleSource, type HubbleOptions } from '../flows/hubbleOptions';
import { startStrataServer } from '../server/StrataServer';
import { parseDuration } from '../../core/history/timeExpressions';
import { parseViewOrTour, SavedViewError, viewFragment } from '../../shared/savedView';
import { SourceCatalog, UsageError, type SourceOptions } from '../sources/SourceCatalog';

export interface ServeCommandOptions extends SourceOptions, HubbleOptions {
  host: string;
  port: number;
  /** Retention of recordings started in the app, e.g. 7d. */
  retain?: string;
  /** A saved view or tour to open: it travels in the printed URL's fragment. */
  view?: string;
}

/** The fragment that opens a saved view or tour file, read and checked before anything starts. */
function viewFileFragment(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--view ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  try {
    return viewFragment(parseViewOrTour(text, path));
  } catch (error) {
    if (error instanceof SavedViewError) throw new UsageError(error.message);
    throw error;
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** The built renderer next to the built CLI (`out/main/cli.js` → `out/renderer`). */
function rendererDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
}

/** `strata serve`: the app in a browser, until Ctrl+C or SIGTERM. */
export async function serveCommand(options: ServeCommandOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<void> {
  const maxAgeMs = options.retain === undefined ? undefined : parseDuration(options.retain);
  if (options.retain !== undefined && maxAgeMs === undefined) throw new UsageError(`--retain ${options.retain} is not a duration; use e.g. 7d.`);
  const fragment = options.view !== undefined ? viewFileFragment(options.view) : '';
  const catalog = new SourceCatalog(options.kubeconfig);
  const flows = hubbleSource(options);
  const backend = new StrataBackend(catalog.fromOptions(options), { catalog, ...(maxAgeMs !== undefined ? { retain: { maxAgeMs } } : {}), ...(flows ? { flows } : { discoverHubble: true }) });
  await backend.start();
  const status = await backend.handlers['session.get']({});
  // A recording is read once: if it cannot be, there is nothing to serve (a context may still come back).
  if (options.db !== undefined && status.sync === 'error') {
    await backend.stop();
    throw new Error(status.message ?? `${options.db} cannot be read.`);
  }
  const server = await startStrataServer({ backend, rendererDir: rendererDir(), host: options.host, port: options.port });
  if (!LOOPBACK.has(options.host)) {
    err.write(`strata: warning: serving on ${options.host} lets other machines that can reach it use Strata with the URL below; keep the token secret.\n`);
  }
  if (status.sync === 'error' && status.message) err.write(`strata: error: ${status.message}\n`);
  for (const notice of status.notices.filter((n) => n.severity === 'error')) err.write(`strata: error: ${notice.where ? `${notice.where}: ` : ''}${notice.message}\n`);
  // Signals are caught before the URL is printed: whoever reads it may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const what = status.source.kind === 'context' ? `context ${status.source.label}` : `${status.source.label}: ${status.counts.nodes} nodes, ${status.counts.edges} edges`;
  out.write(`Strata is serving ${what}${options.view ? `, opening ${options.view}` : ''}.\nOpen ${server.openUrl}${fragment}\nPress Ctrl+C to stop.\n`);
  await stopped;
  await server.close();
  await backend.stop();
}
