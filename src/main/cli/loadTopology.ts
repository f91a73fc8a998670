import type { Notice } from '../../shared/contract';
import type { ClusterState } from '../../shared/kube';
import type { Topology } from '../../shared/model';
import { buildTopology } from '../../core/topology/buildTopology';
import { withObservedTraffic } from '../../core/flows/observedTraffic';
import type { ObservedWindow, SourceUpdate, TopologySource } from '../sources/TopologySource';

/**
 * Reads a source until its first complete picture (manifests: loaded; a live context: synced), for
 * commands that print and exit; loadTopology also builds the topology. A live source that cannot sync within
 * `timeoutMs`, or hits an error only the user can fix, fails with the source's own message.
 */
export async function loadState(source: TopologySource, timeoutMs = 60_000): Promise<{ state: ClusterState; traffic?: ObservedWindow; notices: Notice[] }> {
  let state: ClusterState | undefined;
  let traffic: ObservedWindow | undefined;
  let last: SourceUpdate | undefined;
  let settle!: (outcome: Error | null) => void;
  const outcome = new Promise<Error | null>((resolve) => (settle = resolve));
  const timer = setTimeout(() => settle(new Error(`${source.label} did not sync within ${Math.round(timeoutMs / 1000)} s${last?.message ? `: ${last.message}` : '.'}`)), timeoutMs);
  try {
    await source.start((update) => {
      last = update;
      state = update.state ?? state;
      traffic = update.traffic ?? traffic;
      if ((update.sync === 'loaded' || update.sync === 'synced') && state) settle(null);
      else if (update.sync === 'error' && (update.needsUserAction || source.kind !== 'context')) settle(new Error(update.message ?? `${source.label} could not be read.`));
    });
    const failure = await outcome;
    if (failure) throw failure;
  } finally {
    clearTimeout(timer);
    await source.stop();
  }
  return { state: state!, ...(traffic ? { traffic } : {}), notices: last?.notices ?? [] };
}

export async function loadTopology(source: TopologySource, timeoutMs = 60_000): Promise<{ topology: Topology; notices: Notice[] }> {
  const { state, traffic, notices } = await loadState(source, timeoutMs);
  const topology = buildTopology(state);
  return { topology: traffic ? withObservedTraffic(topology, traffic.buckets, traffic.window) : topology, notices };
}
