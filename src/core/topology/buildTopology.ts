import type { ClusterState } from '../../shared/kube';
import type { Topology } from '../../shared/model';
import { IncrementalTopology } from './IncrementalTopology';
import { sortedById } from './TopologyBuilder';

/**
 * The topology of one cluster state: Ingress/Gateway → Service → EndpointSlice → Pod → Node,
 * with namespaces and workloads as groups. Pure and deterministic (nodes and edges sorted by id):
 * the CLI, offline manifests and tests build it whole; the live view keeps an
 * `IncrementalTopology`, of which this is a single update.
 */
export function buildTopology(state: ClusterState): Topology {
  const incremental = new IncrementalTopology();
  incremental.update(state);
  const { nodes, edges } = incremental.topology();
  return { nodes: sortedById(nodes), edges: sortedById(edges) };
}
