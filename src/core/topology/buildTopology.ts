import type { ClusterState, Workload } from '../../shared/kube';
import { isWorkload } from '../../shared/kube';
import type { Topology } from '../../shared/model';
import { ClusterIndex } from './ClusterIndex';
import { addComputeLayer } from './computeLayer';
import { addEntryLayer } from './entryLayer';
import { addServiceLayer } from './serviceLayer';
import { TopologyBuilder } from './TopologyBuilder';

/**
 * The topology of one cluster state: Ingress/Gateway → Service → EndpointSlice → Pod → Node,
 * with namespaces and workloads as groups. Pure and deterministic: the live view, replay and
 * offline manifests all go through here.
 */
export function buildTopology(state: ClusterState): Topology {
  const index = new ClusterIndex(state);
  const builder = new TopologyBuilder();
  const workloads = state.objects.filter(isWorkload) as Workload[];

  // Real objects first, so that references made later find them instead of adding a missing placeholder.
  addComputeLayer(index, builder, workloads);
  addServiceLayer(index, builder);
  addEntryLayer(index, builder);

  // Every namespace that holds something gets a node, even when the Namespace object itself is not known.
  const topology = builder.build();
  const namespaces = new Set(topology.nodes.filter((n) => n.kind === 'Namespace').map((n) => n.name));
  const implied = [...new Set(topology.nodes.map((n) => n.namespace).filter((ns): ns is string => !!ns && !namespaces.has(ns)))];
  for (const name of implied) builder.addNode({ kind: 'Namespace', name, facts: { implied: true } });
  return implied.length ? builder.build() : topology;
}
