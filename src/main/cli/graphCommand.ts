import type { Notice } from '../../shared/contract';
import { toDot } from '../../core/topology/toDot';
import { createSource, UsageError, type SourceOptions } from '../sources/createSource';
import { loadTopology } from './loadTopology';
import { EXIT } from './exitCodes';

export interface GraphOptions extends SourceOptions {
  output: string;
}

function describe(notice: Notice): string {
  return `strata: ${notice.severity === 'error' ? 'error' : 'note'}: ${notice.where ? `${notice.where}: ` : ''}${notice.message}`;
}

/** `strata graph`: the topology as JSON (see docs/graph-json.md) or Graphviz DOT, on stdout. */
export async function graphCommand(options: GraphOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (options.output !== 'json' && options.output !== 'dot') throw new UsageError(`Output format ${JSON.stringify(options.output)} is not known; use -o json or -o dot.`);
  const { topology, notices } = await loadTopology(createSource(options));
  for (const notice of notices) err.write(`${describe(notice)}\n`);
  out.write(options.output === 'dot' ? toDot(topology) : `${JSON.stringify({ nodes: topology.nodes, edges: topology.edges }, null, 2)}\n`);
  return notices.some((n) => n.severity === 'error') ? EXIT.partialInput : EXIT.ok;
}
