import type { Notice } from '../../shared/contract';
import type { Topology } from '../../shared/model';
import { buildTopology } from '../../core/topology/buildTopology';
import type { TopologySource, SourceUpdate } from '../sources/TopologySource';

/** Reads a source once and builds its topology, for commands that print and exit. */
export async function loadTopology(source: TopologySource): Promise<{ topology: Topology; notices: Notice[]; update: SourceUpdate }> {
  let first: SourceUpdate | undefined;
  await source.start((update) => {
    first ??= update;
  });
  await source.stop();
  if (!first) throw new Error(`${source.label} gave no state.`);
  if (first.sync === 'error') throw new Error(first.message ?? `${source.label} could not be read.`);
  return { topology: buildTopology(first.state), notices: first.notices, update: first };
}
