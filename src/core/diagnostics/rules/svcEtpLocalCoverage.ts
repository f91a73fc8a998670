import type { Node } from '../../../shared/kube';
import { idOf, objectId } from '../../../shared/kube';
import { defineRule, describe } from '../DiagnosticContext';
import { serviceEndpoints } from './services';
import { listSome } from './wording';

const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

/**
 * Why a node cannot take external traffic for a Local Service, or undefined when it can. A
 * cordoned node stays in load balancers' pools (since Kubernetes 1.19), and the exclusion label
 * keeps a node out of load balancers only: node ports still answer on it.
 */
function unfit(node: Node | undefined, loadBalancer: boolean): string | undefined {
  if (!node) return 'not found';
  if (node.status.ready !== true) return 'NotReady';
  if (loadBalancer && node.metadata.labels?.[EXCLUDE_LABEL] !== undefined) return `labelled ${EXCLUDE_LABEL}`;
  return undefined;
}

export const svcEtpLocalCoverage = defineRule({
  id: 'svc.etp-local.coverage',
  severity: 'error',
  layer: 'service',
  title: 'externalTrafficPolicy Local with endpoints on too few nodes',
  subject: 'Service',
  hint: 'Spread the pods over the nodes (a DaemonSet or topology spread constraints), or use externalTrafficPolicy: Cluster.',
  doc: {
    condition:
      `A NodePort or LoadBalancer Service with externalTrafficPolicy Local and ready endpoints, each with a known node (endpoint nodeName, else its pod's). Error when none of those nodes is Ready (and, for a LoadBalancer, free of the ${EXCLUDE_LABEL} label; a cordoned node stays in load balancer pools since Kubernetes 1.19): external traffic has nowhere to go. Warning for a NodePort Service when k of the N Ready nodes have no ready endpoint, so traffic sent to their node port is dropped (a LoadBalancer health-checks nodes and skips those). Not when the Nodes are unknown or any node involved has unknown readiness; no ready endpoint at all is svc.no-ready-endpoints.`,
    example: 'Service shop/web has externalTrafficPolicy Local but none of its ready endpoints is on a node that can take external traffic (node-a: NotReady; node-b: labelled node.kubernetes.io/exclude-from-external-load-balancers).',
    anchors: 'Popeye 1107/1108 only comment on the style of the setting. Strata places the ready endpoints on their nodes from the EndpointSlices and checks those nodes.',
  },
  check(service, context) {
    const { type, externalTrafficPolicy } = service.spec;
    if ((type !== 'NodePort' && type !== 'LoadBalancer') || externalTrafficPolicy !== 'Local') return undefined;
    const nodes = context.clusterScoped('Node');
    if (nodes.length === 0) return undefined;
    const byName = new Map(nodes.map((n) => [n.metadata.name, n]));
    const namespace = service.metadata.namespace ?? '';
    const ready = serviceEndpoints(service, context).endpoints.filter((e) => e.ready);
    if (ready.length === 0) return undefined;
    const endpointNodes = new Set<string>();
    for (const e of ready) {
      const node = e.nodeName ?? (e.podName ? context.get('Pod', e.podName, namespace)?.spec.nodeName : undefined);
      if (!node) return undefined;
      endpointNodes.add(node);
    }
    if ([...endpointNodes].some((n) => byName.get(n)?.status.ready === null)) return undefined;
    const evidence = [
      { field: `${describe(service)} spec.externalTrafficPolicy`, value: 'Local' },
      { field: `${describe(service)} EndpointSlices endpoints[].nodeName (ready)`, value: [...endpointNodes].sort().join(', ') },
    ];

    const why = [...endpointNodes].sort().map((n) => [n, unfit(byName.get(n), type === 'LoadBalancer')] as const);
    if (why.every(([, reason]) => reason !== undefined)) {
      for (const [n, reason] of why.slice(0, 5)) evidence.push({ field: `Node ${n}`, value: reason ?? '' });
      return {
        message: `${describe(service)} has externalTrafficPolicy Local but none of its ready endpoints is on a node that can take external traffic (${why.map(([n, r]) => `${n}: ${r}`).join('; ')}).`,
        evidence,
        hint: 'Run the pods on Ready nodes that load balancers may use (drop the exclusion label), or use externalTrafficPolicy: Cluster.',
        objects: why.filter(([n]) => byName.has(n)).map(([n]) => objectId('Node', n)),
      };
    }

    if (type !== 'NodePort' || nodes.some((n) => n.status.ready === null)) return undefined;
    const readyNodes = nodes.filter((n) => n.status.ready === true);
    const dropping = readyNodes.filter((n) => !endpointNodes.has(n.metadata.name)).map((n) => n.metadata.name).sort();
    if (dropping.length === 0) return undefined;
    evidence.push({ field: 'Nodes Ready without a ready endpoint', value: dropping.join(', ') });
    return {
      severity: 'warning',
      message: `${describe(service)} has externalTrafficPolicy Local and ${dropping.length} of ${readyNodes.length} Ready nodes have no ready endpoint, so traffic sent to their node port is dropped (${listSome(dropping, 5)}).`,
      evidence,
      hint: 'Send NodePort traffic only to nodes that run the pods, run the pods on every node (a DaemonSet), or use externalTrafficPolicy: Cluster.',
      objects: readyNodes.filter((n) => !endpointNodes.has(n.metadata.name)).slice(0, 5).map(idOf),
      detail: 'nodeport-gaps',
    };
  },
});
