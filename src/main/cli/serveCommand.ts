import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataBackend } from '../backend/StrataBackend';
import { startStrataServer } from '../server/StrataServer';
import { createSource, type SourceOptions } from '../sources/createSource';

export interface ServeCommandOptions extends SourceOptions {
  host: string;
  port: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** The built renderer next to the built CLI (`out/main/cli.js` → `out/renderer`). */
function rendererDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
}

/** `strata serve`: the app in a browser, until Ctrl+C. */
export async function serveCommand(options: ServeCommandOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<void> {
  const backend = new StrataBackend(createSource(options));
  await backend.start();
  const server = await startStrataServer({ backend, rendererDir: rendererDir(), host: options.host, port: options.port });
  const status = await backend.handlers['session.get']({});
  if (!LOOPBACK.has(options.host)) {
    err.write(`strata: warning: serving on ${options.host} lets other machines that can reach it use Strata with the URL below; keep the token secret.\n`);
  }
  for (const notice of status.notices.filter((n) => n.severity === 'error')) err.write(`strata: error: ${notice.where ? `${notice.where}: ` : ''}${notice.message}\n`);
  out.write(`Strata is serving ${status.source.label}: ${status.counts.nodes} nodes, ${status.counts.edges} edges.\nOpen ${server.openUrl}\nPress Ctrl+C to stop.\n`);

  await new Promise<void>((resolve) => {
    const shutdown = () => resolve();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await server.close();
  await backend.stop();
}
