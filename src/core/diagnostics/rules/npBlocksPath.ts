import type { Ingress, Pod, Service, ServicePort } from '../../../shared/kube';
import { idOf, objectId } from '../../../shared/kube';
import type { ConnectionVerdict } from '../../../shared/model';
import { resolveTargetPort } from '../../kube/ports';
import { connectionAllowed, connectionVerdict } from '../../policy/explainVerdict';
import { ingressControllerPods } from '../../policy/ingressRoute';
import { ClusterIndex } from '../../topology/ClusterIndex';
import { defineRule, describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { conditionOf, GATEWAY_GROUP, grantAllows, isGatewayParent, isServiceBackend, sameParent, type Route } from './gatewayApi';
import { serviceBackends } from './ingresses';
import { enforcedSeverity, enforcementNote } from './networkPolicies';
import { addTo, appName, isLivePod, oncePerCheck } from './pods';
import { servicePortLabel } from './services';

/** One wired hop into the Service: who sends (controller or Gateway data-plane pods), through which object, to which Service port. */
interface Hop {
  via: string;
  sender: string;
  sources: Pod[];
  port: ServicePort;
  objects: string[];
}

/** Labels tying a data-plane pod to its Gateway, with the label (if any) that names the Gateway's namespace. */
const GATEWAY_LABELS = [['gateway.networking.k8s.io/gateway-name'], ['istio.io/gateway-name'], ['gateway.envoyproxy.io/owning-gateway-name', 'gateway.envoyproxy.io/owning-gateway-namespace']] as const;

/** The namespace's Ingresses by the Services their backends name, once per check: most Services have none. */
const ingressesByService = oncePerCheck((context) => {
  const byService = new Map<string, Ingress[]>();
  for (const ingress of context.inNamespace('Ingress')) {
    for (const name of new Set(serviceBackends(ingress).map((b) => b.service.name))) addTo(byService, name, ingress);
  }
  return byService;
});

/** The pods that carry Ingress traffic and the IngressClasses, indexed once per check for ingressControllerPods. */
const controllerIndex = oncePerCheck((context) => {
  // The AWS load balancer controller only programs the cloud balancer: its pods carry no traffic.
  const rolePods = context.podsWithRole('ingress-controller').filter((p) => isLivePod(p) && appName(p) !== 'aws-load-balancer-controller');
  return new ClusterIndex({ objects: [...rolePods, ...context.clusterScoped('IngressClass')] });
});

function ingressHops(service: Service, context: DiagnosticContext): Hop[] {
  const ingresses = ingressesByService(context).get(service.metadata.name);
  if (!ingresses) return [];
  const backendsOf = (ingress: Ingress) => serviceBackends(ingress).filter((b) => b.service.name === service.metadata.name);
  const index = controllerIndex(context);
  return ingresses.flatMap((ingress) => {
    const sources = ingressControllerPods(ingress, index, { strict: true });
    // Several controllers and none named by the class: which one serves this Ingress is unknown.
    if (sources.length === 0 || new Set(sources.map(appName)).size > 1) return [];
    const ports = new Set(backendsOf(ingress).flatMap(({ service: { port: b } }) => service.spec.ports.find((p) => (b.name !== undefined ? p.name === b.name : p.port === b.number)) ?? []));
    return [...ports].map((port) => ({ via: describe(ingress), sender: 'Ingress controller pod', sources, port, objects: [idOf(ingress)] }));
  });
}

/** Routes that may send to the namespace's Services: its own, and those of namespaces its ReferenceGrants admit; once per check. */
const candidateRoutes = oncePerCheck((context): Route[] => {
  const { namespace } = context;
  const routes: Route[] = [...context.inNamespace('HTTPRoute'), ...context.inNamespace('GRPCRoute')];
  const granted = new Set(context.inNamespace('ReferenceGrant').flatMap((g) => g.spec.from.filter((f) => f.group === GATEWAY_GROUP && f.namespace !== namespace).map((f) => `${f.kind}/${f.namespace}`)));
  for (const entry of granted) {
    const [kind, from] = entry.split('/');
    if (kind === 'HTTPRoute' || kind === 'GRPCRoute') routes.push(...context.inNamespace(kind, from));
  }
  return routes;
});

function gatewayHops(service: Service, context: DiagnosticContext): Hop[] {
  const namespace = service.metadata.namespace ?? '';
  const hops: Hop[] = [];
  for (const route of candidateRoutes(context)) {
    const routeNs = route.metadata.namespace ?? '';
    const refs = route.spec.rules.flatMap((r) => r.backendRefs).filter((b) => isServiceBackend(b) && b.name === service.metadata.name && (b.namespace ?? routeNs) === namespace);
    if (refs.length === 0) continue;
    if (routeNs !== namespace && !grantAllows(context, namespace, { group: GATEWAY_GROUP, kind: route.kind, namespace: routeNs }, { group: '', kind: 'Service', name: service.metadata.name })) continue;
    const ports = new Set(refs.flatMap((b) => service.spec.ports.find((p) => p.port === b.port) ?? []));
    for (const parent of route.spec.parentRefs.filter(isGatewayParent)) {
      // A parent that refused the route sends it nothing.
      const status = route.status?.parents.find((s) => sameParent(s.parentRef, parent, routeNs));
      if (conditionOf(status?.conditions, 'Accepted')?.status === 'False') continue;
      const gwNs = parent.namespace ?? routeNs;
      const sources = context.podsWithRole('gateway').filter((p) => isLivePod(p) && GATEWAY_LABELS.some(([name, ns]) => p.metadata.labels?.[name] === parent.name && (ns ? p.metadata.labels?.[ns] === gwNs : p.metadata.namespace === gwNs)));
      if (sources.length === 0) continue;
      for (const port of ports) hops.push({ via: `${describe(route)} (Gateway ${gwNs}/${parent.name})`, sender: `Gateway ${gwNs}/${parent.name} data-plane pod`, sources, port, objects: [idOf(route), objectId('Gateway', parent.name, gwNs)] });
    }
  }
  return hops;
}

/** Every (sender, backend pod) pair of a hop judged on the backend's resolved target port; the denied ones. */
function judge(hop: Hop, backends: readonly Pod[], context: DiagnosticContext) {
  const engine = hopPolicy(hop, context);
  const denied: { source: Pod; pod: Pod; port: number; verdict: ConnectionVerdict }[] = [];
  let checked = 0;
  for (const pod of backends) {
    const port = resolveTargetPort(hop.port, pod);
    if (port === undefined) continue;
    for (const source of hop.sources) {
      checked++;
      // Most connections are allowed: only a denied one is worded.
      if (connectionAllowed(engine, source, pod, hop.port.protocol, port)) continue;
      const verdict = connectionVerdict(engine, { pod: source }, { pod }, hop.port.protocol, port);
      if (!verdict.allowed) denied.push({ source, pod, port, verdict });
    }
  }
  return { checked, denied };
}

/** The engine for a hop's verdicts: judged on the senders' egress and the backends' ingress, so their namespaces' policies decide. */
function hopPolicy(hop: Hop, context: DiagnosticContext) {
  return context.policyFor(new Set([context.namespace, ...hop.sources.map((p) => p.metadata.namespace ?? '')]));
}

const podName = (pod: Pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;

export const npBlocksPath = defineRule({
  id: 'np.blocks-path',
  severity: 'error',
  layer: 'policy',
  title: 'NetworkPolicy blocks a wired path',
  subject: 'Service',
  hint: 'Add an ingress rule from the controller namespace or pods (and the matching egress).',
  doc: {
    condition:
      'For each hop into the Service whose sending pods are known — the Ingress controller pods for an Ingress of the namespace that routes to it, and a Gateway\'s data-plane pods (labelled gateway.networking.k8s.io/gateway-name and the like) for an HTTPRoute or GRPCRoute attached to it, cross-namespace routes included when a ReferenceGrant admits them — the policy engine judges both sides (the sender\'s egress, the backend pod\'s ingress, ANPs and BANP included) from each sending pod to each backend pod on the targetPort resolved on that pod. Error when every pair is denied, warning when some are, and warning when the cluster profile does not show a CNI that enforces NetworkPolicy or the verdict is implementation-defined (hostNetwork senders, same-priority ANPs).',
    example: 'Ingress shop/web → Service shop/cart port 80: network policy denies all 2 connections from Ingress controller pod ingress-nginx/ingress-nginx-controller-5d8 to the backend pods on TCP 8080 — denied: pod shop/cart-1 is isolated for ingress by NetworkPolicy/shop/default-deny, and no rule of them allows pod ingress-nginx/ingress-nginx-controller-5d8 on TCP 8080.',
    anchors: 'Radar netpol:would-deny warns only when no rule admits anyone, and calls the caller-specific case advisory. Strata judges the actual sending pods with their labels, namespace labels and addresses, on the port resolved per pod, and names the deciding policy and side.',
  },
  check(service, context) {
    if (service.spec.type === 'ExternalName' || !service.spec.selector) return undefined;
    const hops = [...ingressHops(service, context), ...gatewayHops(service, context)];
    if (hops.length === 0) return undefined;
    const backends = context.podsForService(service).filter(isLivePod);
    const drafts: FindingDraft[] = [];
    for (const hop of hops) {
      const { checked, denied } = judge(hop, backends, context);
      if (denied.length === 0) continue;
      const first = denied[0];
      const engine = hopPolicy(hop, context);
      // Each denying side, the backend's ingress first: both need fixing when both deny.
      const sides = [first.verdict.ingress, first.verdict.egress].filter((v) => !v.allowed);
      const deciding = sides.flatMap((v) => (v.policy ? [v.policy] : v.direction === 'ingress' ? engine.isolation(first.pod).ingress.isolatedBy : engine.isolation(first.source).egress.isolatedBy));
      const uncertain = denied.some((d) => d.verdict.egress.undefinedBehaviour ?? d.verdict.ingress.undefinedBehaviour);
      const all = denied.length === checked;
      const portName = servicePortLabel(hop.port);
      const what = `${hop.port.protocol} ${first.port}`;
      const namespace = first.source.metadata.namespace;
      const senders = hop.sources.length === 1 ? `${hop.sender} ${podName(first.source)}` : `${hop.sources.length} ${hop.sender}s (${podName(first.source)}, …)`;
      const fixes = sides.map((v) =>
        v.direction === 'ingress'
          ? `add an ingress rule for the backend pods (isolated by ${engine.isolation(first.pod).ingress.isolatedBy.join(', ') || v.policy}) allowing ${hop.sender}s from namespace ${namespace} on ${what}`
          : `add an egress rule in namespace ${namespace} allowing ${hop.sender}s to reach ${describe(service)}'s pods on ${what}`,
      );
      drafts.push({
        severity: enforcedSeverity(context, all && !uncertain ? 'error' : 'warning'),
        message: `${hop.via} → ${describe(service)} port ${hop.port.port}: network policy denies ${all ? (checked === 1 ? 'the only connection' : `all ${checked} connections`) : `${denied.length} of ${checked} connections`} from ${senders} to the backend pods on ${what}${enforcementNote(context)} — ${sides.map((v) => v.explanation).join('; ')}.`,
        evidence: [
          { field: `${describe(service)} spec.ports[${portName}].targetPort`, value: `${hop.port.targetPort} → ${first.port} on pod ${podName(first.pod)}` },
          ...sides.map((v) => ({ field: `${v.direction} of pod ${podName(v.direction === 'ingress' ? first.pod : first.source)}`, value: v.explanation })),
        ],
        hint: `${fixes.join('; and ').replace(/^a/, 'A')}.`,
        objects: [...hop.objects, ...deciding, idOf(first.source)],
        detail: `${hop.via}|${portName}`,
      });
    }
    return drafts;
  },
});
