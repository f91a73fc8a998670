import type { Notice } from '../../shared/contract';
import { toDot } from '../../core/topology/toDot';
import { isTheme } from '../../core/view/kindStyles';
import { toMermaid } from '../../core/view/toMermaid';
import { topologySvg } from '../../core/view/toSvg';
import { SourceCatalog, UsageError, type SourceOptions } from '../sources/SourceCatalog';
import { EXIT } from './exitCodes';
import { loadTopology } from './loadTopology';

export interface GraphOptions extends SourceOptions {
  output: string;
  /** For -o svg: light, dark or contrast (high contrast, for projectors). */
  theme?: string;
  /** Seconds to wait for a live context's first full sync. */
  timeout: number;
}

/** A source's notice as a line on stderr. */
export function describeNotice(notice: Notice): string {
  const severity = notice.severity === 'error' ? 'error' : notice.severity === 'warning' ? 'warning' : 'note';
  return `strata: ${severity}: ${notice.where ? `${notice.where}: ` : ''}${notice.message}`;
}

/** `strata graph`: the topology as JSON (see docs/graph-json.md), Graphviz DOT, a Mermaid flowchart or an SVG picture, on stdout. */
export async function graphCommand(options: GraphOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (!['json', 'dot', 'mermaid', 'svg'].includes(options.output)) throw new UsageError(`Output format ${JSON.stringify(options.output)} is not known; use -o json, -o dot, -o mermaid or -o svg.`);
  const theme = options.theme ?? 'light';
  if (!isTheme(theme)) throw new UsageError(`Theme ${JSON.stringify(theme)} is not known; use --theme light, --theme dark or --theme contrast.`);
  const source = new SourceCatalog(options.kubeconfig).fromOptions(options);
  // Saying which context was picked matters most when nobody picked it.
  if (source.kind === 'context' && !options.context) err.write(`strata: using the current context, ${source.label}\n`);
  const { topology, notices } = await loadTopology(source, options.timeout * 1000);
  for (const notice of notices) err.write(`${describeNotice(notice)}\n`);
  const written: Record<string, () => string> = {
    dot: () => toDot(topology),
    mermaid: () => toMermaid(topology),
    svg: () => topologySvg(topology, { theme, title: `Strata: ${source.label}` }),
    json: () => `${JSON.stringify({ nodes: topology.nodes, edges: topology.edges }, null, 2)}\n`,
  };
  out.write(written[options.output]());
  return notices.some((n) => n.severity === 'error' || n.severity === 'warning') ? EXIT.partialInput : EXIT.ok;
}
