import type { Evidence } from '../../../shared/diagnostics';
import type { Endpoint, EndpointSlice, Node, Pod, Service } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { defineRule, describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { byNumericName, isLivePod, oncePerCheck } from './pods';
import { listSome, plural } from './wording';

/** How many endpoints a finding names; the rest are counted. */
const SHOWN = 3;

/**
 * The node network agents (CNI, kube-proxy) on a Node that are not Ready. Read per Node, so that
 * an agent's change re-checks only the namespaces with endpoints on its Node.
 */
function downAgents(nodeName: string, context: DiagnosticContext): Pod[] {
  // Unknown readiness, a pod on its way out or a finished one says nothing about the Node's network now.
  return context.podsWithRole('node-network', nodeName).filter((pod) => pod.status.ready === false && isLivePod(pod));
}

/** What is wrong with a Node's network, as clauses and evidence; nothing when all is well or unknown. */
function nodeTrouble(node: Node, agents: readonly Pod[]): { clauses: string[]; evidence: Evidence[] } {
  const clauses: string[] = [];
  const evidence: Evidence[] = [];
  if (node.status.ready === false) {
    clauses.push('is NotReady');
    evidence.push({ field: `${describe(node)} status.conditions[Ready]`, value: 'not True' });
  }
  if (node.status.networkUnavailable === true) {
    clauses.push('has NetworkUnavailable=True');
    evidence.push({ field: `${describe(node)} status.conditions[NetworkUnavailable]`, value: 'True' });
  }
  for (const pod of agents) {
    clauses.push(`runs ${describe(pod)}, which is not Ready${pod.status.notReady ? ` (${pod.status.notReady})` : ''}`);
    evidence.push({ field: `${describe(pod)} status.conditions[Ready]`, value: `False${pod.status.notReady ? `: ${pod.status.notReady}` : ''}` });
  }
  return { clauses, evidence };
}

/** Whether a Node's network is in trouble, looked up once per Node and check (the reads are the same). */
const troubleOf = oncePerCheck(() => new Map<string, boolean>());

/** Whether any ready endpoint of the Service sits on a Node in trouble: the common case is no, and then nothing is gathered. */
function onTroubledNode(service: Service, context: DiagnosticContext): boolean {
  const known = troubleOf(context);
  for (const slice of context.slicesOf(service)) {
    for (const { nodeName, conditions } of slice.endpoints) {
      if (!nodeName || conditions.ready !== true) continue;
      let troubled = known.get(nodeName);
      if (troubled === undefined) {
        const node = context.get('Node', nodeName);
        troubled = !!node && (node.status.ready === false || node.status.networkUnavailable === true || downAgents(nodeName, context).length > 0);
        known.set(nodeName, troubled);
      }
      if (troubled) return true;
    }
  }
  return false;
}

const endpointName = (e: Endpoint) => e.targetRef?.name ?? e.addresses[0] ?? '?';

export const noNetworkDownWithEndpoints = defineRule({
  id: 'no.network-down-with-endpoints',
  severity: 'error',
  layer: 'nodes',
  title: 'Ready endpoints on a Node whose network is down',
  subject: 'Service',
  hint: 'Cordon and drain the Node, or fix its CNI or kube-proxy pod.',
  doc: {
    condition:
      "An EndpointSlice of the Service lists a ready endpoint whose nodeName is a Node that is not Ready (False or Unknown), has NetworkUnavailable=True, or runs a node network agent pod (the CNI's or kube-proxy's DaemonSet pod) that is not Ready. Traffic is still sent there and is likely lost. One finding per Service and Node, in the Service's namespace (whose traffic suffers), naming the Node, the agent pods and the endpoints. Nodes not found and agents whose readiness is unknown are not counted.",
    example: 'Service shop/cart has 2 ready endpoints (cart-7f9c-x2kq, cart-7f9c-p8zn) on Node worker-2, which runs Pod kube-system/calico-node-8kq2d, which is not Ready (container calico-node running but not ready (readiness probe failing)).',
    anchors:
      'Popeye 702/707, k8sgpt Node analyzer and Radar report the Node alone. Strata ties it to the Services whose ready endpoints sit on it and also counts a not-Ready CNI or kube-proxy pod on a Node that itself reports Ready.',
  },
  check(service, context) {
    if (service.spec.type === 'ExternalName' || !onTroubledNode(service, context)) return undefined;
    // Endpoints by Node, once each: dual-stack Services list a pod in an IPv4 and an IPv6 slice.
    const byNode = new Map<string, { slices: Set<EndpointSlice>; endpoints: Map<string, Endpoint> }>();
    for (const slice of context.slicesOf(service)) {
      for (const endpoint of slice.endpoints) {
        if (!endpoint.nodeName || endpoint.conditions.ready !== true) continue;
        const entry = byNode.get(endpoint.nodeName) ?? { slices: new Set(), endpoints: new Map() };
        entry.slices.add(slice);
        entry.endpoints.set(endpointName(endpoint), endpoint);
        byNode.set(endpoint.nodeName, entry);
      }
    }
    const drafts: FindingDraft[] = [];
    for (const [nodeName, { slices, endpoints }] of byNode) {
      const node = context.get('Node', nodeName);
      if (!node) continue;
      const agents = downAgents(nodeName, context);
      const { clauses, evidence } = nodeTrouble(node, agents);
      if (clauses.length === 0) continue;
      const names = [...endpoints.keys()].sort(byNumericName);
      for (const slice of slices) evidence.push({ field: `${describe(slice)} endpoints[nodeName=${nodeName}].conditions.ready`, value: 'true' });
      const nodeDown = node.status.ready === false || node.status.networkUnavailable === true;
      drafts.push({
        message: `${describe(service)} has ${plural(names.length, 'ready endpoint')} (${listSome(names, SHOWN)}) on Node ${nodeName}, which ${clauses.join(' and ')}.`,
        evidence,
        hint: nodeDown
          ? `Cordon and drain Node ${nodeName} so the pods move, and fix its kubelet or CNI.`
          : `Fix ${agents.map(describe).join(' and ')} on Node ${nodeName} (or cordon and drain the Node) so traffic to its pods is routed again.`,
        objects: [idOf(node), ...agents.map(idOf), ...[...slices].map(idOf)],
        detail: nodeName,
      });
    }
    return drafts;
  },
});
