import type { TopologyNode } from '../../shared/model';
import type { HeldCount } from '../../shared/view';

/** The kind an object is counted as: workloads by their own kind (Deployment, StatefulSet, …). */
export const heldKind = (node: TopologyNode) => (node.kind === 'Workload' ? (node.workloadKind ?? 'Workload') : node.kind);

/** The count a pod or a Node adds to besides its kind's total. */
function statusOf(node: TopologyNode): 'ready' | 'notReady' | 'terminating' | undefined {
  if (node.kind === 'Pod') return node.facts.phase === 'Terminating' ? 'terminating' : node.facts.ready === true ? 'ready' : 'notReady';
  if (node.kind === 'Node') return node.facts.ready === false || node.missing ? 'notReady' : 'ready';
  return undefined;
}

/** Counts one object into an aggregate's holdings. */
export function countInto(held: Record<string, HeldCount>, node: TopologyNode): void {
  const entry = (held[heldKind(node)] ??= { total: 0 });
  entry.total += 1;
  const status = statusOf(node);
  if (status) entry[status] = (entry[status] ?? 0) + 1;
  else if (node.kind === 'EndpointSlice') {
    // A Service's slices fold into it as endpoint counts.
    const endpoints = (held.Endpoint ??= { total: 0, ready: 0 });
    endpoints.total += Number(node.facts.endpoints ?? 0);
    endpoints.ready = (endpoints.ready ?? 0) + Number(node.facts.readyEndpoints ?? 0);
  }
}

/**
 * Takes one object out of an aggregate's holdings, the reverse of countInto; a count that falls to
 * zero goes, as if it had never been counted (the endpoint counts stay, as countInto makes them).
 */
export function countOutOf(held: Record<string, HeldCount>, node: TopologyNode): void {
  const key = heldKind(node);
  const entry = held[key];
  entry.total -= 1;
  const status = statusOf(node);
  if (status) {
    entry[status] = (entry[status] ?? 0) - 1;
    if (!entry[status]) delete entry[status];
  } else if (node.kind === 'EndpointSlice') {
    held.Endpoint.total -= Number(node.facts.endpoints ?? 0);
    held.Endpoint.ready = (held.Endpoint.ready ?? 0) - Number(node.facts.readyEndpoints ?? 0);
  }
  if (entry.total === 0) delete held[key];
}
