import type { EndpointSlice, Pod, Service, ServicePort } from '../../shared/kube';
import { idOf, objectId, SERVICE_NAME_LABEL } from '../../shared/kube';
import { resolveTargetPort } from '../kube/ports';
import { matchesServiceSelector } from '../selectors';
import type { ClusterIndex } from '../topology/ClusterIndex';
import { workloadOf } from '../topology/computeLayer';
import { parseIp } from './ipRanges';
import type { ReachCheck, ReachQuery, ReachResult, ReachStep } from '../../shared/model';
import { connectionVerdict, describeEndpoint } from './explainVerdict';
import { controllerPort, findGatewayRoute, findIngressRoute, ingressControllerPods, parseIngressUrl, type GatewayRoute, type IngressUrl } from './ingressRoute';
import type { Endpoint } from './decisions';
import type { PolicyEngine } from './PolicyEngine';

/**
 * "Can A reach B?": the source is a pod, a workload or an address; the destination is a pod, a
 * Service, or an Ingress host and path. The path is resolved hop by hop as the data plane does
 * (Ingress → Service port → targetPort on each backend pod, rule 22), and each policy check along
 * it gets a verdict with both sides explained.
 */
export class ReachQueryError extends Error {}

const podRef = (pod: Pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;

/** `ns/name`, `Kind/ns/name`, or `ns/name[Kind]` as the connectivity list writes a workload. */
function parseObjectRef(text: string): { kind?: string; namespace?: string; name?: string } {
  const listed = /^([^/[\]]+)\/([^/[\]]+)\[([A-Za-z]+)\]$/.exec(text);
  if (listed) return { namespace: listed[1], name: listed[2], kind: listed[3] };
  const parts = text.split('/');
  return parts.length === 3 ? { kind: parts[0], namespace: parts[1], name: parts[2] } : { namespace: parts[0], name: parts[1] };
}

/** The pods a reference names: one pod, or every pod of a workload (found through owner references); none when it names neither. */
function podsNamed(ref: { kind?: string; namespace?: string; name?: string }, index: ClusterIndex, engine: PolicyEngine): Pod[] {
  const { kind, namespace, name } = ref;
  if (!namespace || !name) return [];
  const pod = (kind === undefined || kind === 'Pod') && index.get('Pod', name, namespace);
  if (pod) return [pod];
  return engine.pods.filter((p) => {
    if (p.metadata.namespace !== namespace) return false;
    const owner = workloadOf(p, index);
    return owner?.name === name && (kind === undefined || owner.kind === kind);
  });
}

/** The pods a `from` names: one pod, every pod of a workload, or an address. */
function resolveSources(query: string, index: ClusterIndex, engine: PolicyEngine): Endpoint[] {
  if (parseIp(query)) {
    const pod = engine.pods.find((p) => p.status.podIPs.includes(query));
    return [pod ? { pod } : { ip: query }];
  }
  const ref = parseObjectRef(query);
  if (!ref.namespace || !ref.name) throw new ReachQueryError(`"${query}" is not a source: give a pod or workload as namespace/name, Kind/namespace/name or namespace/name[Kind], or an IP address`);
  const members = podsNamed(ref, index, engine);
  if (members.length) return members.map((pod) => ({ pod }));
  throw new ReachQueryError(`No pod or workload "${query}" in this cluster state (pods of a workload are looked up through their owner references)`);
}

/** A check in one line, with the side that decided it: the denying one, else the one a policy allowed on. */
function verdictLine(check: ReachCheck): string {
  const { egress, ingress } = check.verdict;
  const decided = !egress.allowed ? egress : !ingress.allowed ? ingress : ingress.policy || !egress.policy ? ingress : egress;
  return `${check.source} → ${check.destination}${check.port !== undefined ? ` port ${check.port}/${check.protocol}` : ''}: ${decided.explanation}`;
}

const listPods = (pods: readonly Pod[]) => (pods.length <= 3 ? pods.map(podRef).join(', ') : `${pods.slice(0, 2).map(podRef).join(', ')} and ${pods.length - 2} more`);

/** The EndpointSlices of a Service and what they say of its pods: the hop between the Service and its pods. */
function sliceStep(service: Service, index: ClusterIndex): ReachStep {
  const name = `${service.metadata.namespace}/${service.metadata.name}`;
  const slices = index.all('EndpointSlice').filter((s: EndpointSlice) => s.metadata.namespace === service.metadata.namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === service.metadata.name);
  const endpoints = slices.flatMap((s) => s.endpoints);
  const ready = endpoints.filter((e) => e.conditions.ready !== false).length;
  const caption = slices.length
    ? `EndpointSlice${slices.length === 1 ? '' : 's'} ${slices.map((s) => s.metadata.name).join(', ')}: ${ready} of ${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'} ready, the addresses kube-proxy sends ${name}'s traffic to`
    : `No EndpointSlice lists endpoints for ${name}: kube-proxy has nowhere to send its traffic`;
  return { layer: 'endpoint-slice', ids: slices.map(idOf), caption, verdicts: [] };
}

/** The Nodes the pods run on: the last hop. */
function nodeStep(pods: readonly Pod[]): ReachStep | undefined {
  const nodes = [...new Set(pods.flatMap((p) => (p.spec.nodeName ? [p.spec.nodeName] : [])))].sort();
  if (nodes.length === 0) return undefined;
  return { layer: 'node', ids: nodes.map((n) => objectId('Node', n)), caption: `${pods.length === 1 ? 'The pod runs' : 'The pods run'} on Node${nodes.length === 1 ? '' : 's'} ${nodes.join(', ')}`, verdicts: [] };
}

function serviceBackends(service: Service, index: ClusterIndex): Pod[] {
  const namespace = service.metadata.namespace;
  const bySelector = index.all('Pod').filter((p) => p.metadata.namespace === namespace && matchesServiceSelector(p.metadata.labels, service.spec.selector));
  if (bySelector.length || service.spec.selector) return bySelector;
  // A selectorless Service: its hand-made EndpointSlices may still point at pods.
  const refs = index.all('EndpointSlice').filter((s) => s.metadata.namespace === namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === service.metadata.name).flatMap((s) => s.endpoints.flatMap((e) => (e.targetRef?.kind === 'Pod' ? [e.targetRef.name] : [])));
  return refs.flatMap((name) => index.get('Pod', name, namespace) ?? []);
}

export function reachPath(engine: PolicyEngine, query: ReachQuery): ReachResult {
  const index = engine.clusterIndex();
  const protocol = (query.protocol ?? 'TCP').toUpperCase();
  const sources = resolveSources(query.from, index, engine);
  const hops: string[] = [];
  const walk: ReachStep[] = [];
  const checks: ReachCheck[] = [];
  const notes: string[] = [];
  const check = (leg: string, from: Endpoint, to: Endpoint, port: number | undefined) => {
    const made: ReachCheck = { leg, source: describeEndpoint(from), destination: describeEndpoint(to), protocol, ...(port !== undefined ? { port } : {}), verdict: connectionVerdict(engine, from, to, protocol, port) };
    checks.push(made);
    return made;
  };
  /** Allowed end to end, for the pod hop's caption and the outcome alike: a backend is reached only over an entry leg that is allowed too. */
  const allowedEndToEnd = (c: ReachCheck) => {
    const entries = checks.filter((e) => e.leg === 'to ingress controller');
    return c.verdict.allowed && (c.leg === 'to ingress controller' || entries.length === 0 || entries.some((e) => e.verdict.allowed && e.destination === c.source));
  };
  const sourcePods = sources.flatMap((s) => ('pod' in s ? [s.pod] : []));
  walk.push(
    sourcePods.length
      ? { layer: 'source', ids: sourcePods.map(idOf), caption: `From ${sourcePods.length === 1 ? 'pod' : `${sourcePods.length} pods:`} ${listPods(sourcePods)}`, verdicts: [] }
      : { layer: 'source', ids: [], caption: `From ${sources.map(describeEndpoint).join(', ')}, outside the pods Strata knows`, verdicts: [] },
  );
  /** The checks of one destination pod (or address), on to the pod hop and the Node hop. */
  const arrive = (targets: { pod?: Pod; ip?: string; port: number | undefined; made: ReachCheck[] }[], caption: string) => {
    const pods = targets.flatMap((t) => (t.pod ? [t.pod] : []));
    walk.push({ layer: pods.length ? 'pod' : 'address', ids: pods.map(idOf), caption, verdicts: targets.flatMap((t) => t.made.map(verdictLine)) });
    const node = nodeStep(pods);
    if (node) walk.push(node);
  };

  const toService = (service: Service, servicePort: ServicePort | undefined, from: Endpoint[], leg: string) => {
    const name = `${service.metadata.namespace}/${service.metadata.name}`;
    if (!servicePort) {
      const why = `Service ${name} has no ${protocol} port ${query.port ?? ''}; its ports are ${service.spec.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'none'}`;
      notes.push(why);
      walk.push({ layer: 'service', ids: [idOf(service)], caption: why, verdicts: [] });
      return;
    }
    const backends = serviceBackends(service, index);
    hops.push(`Service ${name} port ${servicePort.port}/${servicePort.protocol} → targetPort ${servicePort.targetPort} on ${backends.length} pod${backends.length === 1 ? '' : 's'}`);
    walk.push({ layer: 'service', ids: [idOf(service)], caption: `Service ${name} port ${servicePort.port}/${servicePort.protocol}${service.spec.clusterIPs[0] ? ` (ClusterIP ${service.spec.clusterIPs[0]})` : ''}, selecting ${backends.length} pod${backends.length === 1 ? '' : 's'}`, verdicts: [] });
    if (backends.length === 0) notes.push(`Service ${name} selects no pods: nothing answers, whatever the policies say`);
    const reached: { pod: Pod; port: number; made: ReachCheck[] }[] = [];
    const unresolved: Pod[] = [];
    for (const pod of backends) {
      const target = resolveTargetPort(servicePort, pod);
      if (target === undefined) {
        notes.push(`pod ${podRef(pod)} has no container port named "${servicePort.targetPort}" (${servicePort.protocol}): the Service cannot send it traffic`);
        unresolved.push(pod);
        continue;
      }
      hops.push(`  → pod ${podRef(pod)} port ${target}/${servicePort.protocol}`);
      reached.push({ pod, port: target, made: from.map((source) => check(leg, source, { pod }, target)) });
    }
    const ports = [...new Set(reached.map((r) => r.port))].sort((a, b) => a - b);
    const named = typeof servicePort.targetPort === 'string' ? `"${servicePort.targetPort}" ` : '';
    const targetCaption = [
      ports.length ? `targetPort ${named}resolves to ${ports.join(', ')}/${servicePort.protocol} on ${reached.length} pod${reached.length === 1 ? '' : 's'}` : `targetPort ${named}resolves on no pod`,
      unresolved.length ? `${listPods(unresolved)} declare${unresolved.length === 1 ? 's' : ''} no such port: no traffic reaches ${unresolved.length === 1 ? 'it' : 'them'}` : '',
    ].filter(Boolean);
    walk.push({ layer: 'target-port', ids: [idOf(service), ...backends.map(idOf)], caption: targetCaption.join('; '), verdicts: [] });
    walk.push(sliceStep(service, index));
    if (reached.length) {
      const allowed = reached.filter((r) => r.made.some(allowedEndToEnd)).length;
      arrive(reached, `${reached.length === 1 ? 'Pod' : `${reached.length} pods:`} ${listPods(reached.map((r) => r.pod))}; policies allow ${allowed === reached.length ? 'every one' : allowed === 0 ? 'none' : `${allowed} of ${reached.length}`}`);
    }
  };
  const servicePortFor = (service: Service, wanted: { number?: number; name?: string }) =>
    service.spec.ports.find((p) => (wanted.number !== undefined ? p.port === wanted.number : wanted.name !== undefined ? p.name === wanted.name : true) && (p.protocol === protocol || wanted.name !== undefined));

  /** Through a Gateway: its data-plane pods are the implementation's own, so the backend leg is checked from the source. */
  const throughGateway = (found: GatewayRoute, at: IngressUrl) => {
    const routeName = `${found.route.metadata.namespace}/${found.route.metadata.name}`;
    const { service: target } = found;
    const port = target.port ?? (at.protocol === 'https:' ? 443 : 80);
    hops.push(`HTTPRoute ${routeName} (Gateway ${found.gateways.join(', ') || 'none'}): ${at.hostname} ${found.path} → Service ${target.name} port ${port}`);
    walk.push({
      layer: 'gateway',
      ids: [...found.gateways.map((g) => objectId('Gateway', g.slice(g.indexOf('/') + 1), g.slice(0, g.indexOf('/')))), idOf(found.route)],
      caption: `Gateway ${found.gateways.join(', ') || '(none named)'} takes ${at.hostname}; HTTPRoute ${routeName} matches ${found.path} and sends it to Service ${target.namespace}/${target.name} port ${port}`,
      verdicts: [],
    });
    notes.push(`The Gateway's data-plane pods belong to its implementation and are not placed by Strata: the leg to the backends is checked from the source`);
    const service = index.get('Service', target.name, target.namespace);
    if (service) toService(service, servicePortFor(service, { number: port }), sources, 'to backend');
    else {
      notes.push(`HTTPRoute ${routeName} sends to Service ${target.namespace}/${target.name}, which does not exist`);
      walk.push({ layer: 'service', ids: [objectId('Service', target.name, target.namespace)], caption: `Service ${target.namespace}/${target.name} does not exist: the Gateway answers 500`, verdicts: [] });
    }
  };

  const url = parseIngressUrl(query.to);
  // An Ingress rule for the host and path comes first, then an HTTPRoute, then an Ingress's default backend.
  const ingressRoute = url ? findIngressRoute(url, index) : undefined;
  const viaGateway = url && (!ingressRoute || ingressRoute.path === '(default backend)') ? findGatewayRoute(url, index) : undefined;
  if (url && viaGateway) throughGateway(viaGateway, url);
  else if (url) {
    const route = ingressRoute;
    if (!route) throw new ReachQueryError(`No Ingress or HTTPRoute routes ${url.hostname}${url.pathname}`);
    const ingressName = `${route.ingress.metadata.namespace}/${route.ingress.metadata.name}`;
    hops.push(`Ingress ${ingressName}: ${url.hostname} ${route.path} → Service ${route.service} port ${route.port.number ?? route.port.name}`);
    walk.push({ layer: 'ingress', ids: [idOf(route.ingress)], caption: `Ingress ${ingressName} routes ${url.hostname} ${route.path} to Service ${route.service} port ${route.port.number ?? route.port.name}`, verdicts: [] });
    const controllers = ingressControllerPods(route.ingress, index);
    const entryPort = query.port ?? (url.protocol === 'https:' ? 443 : 80);
    if (controllers.length === 0) notes.push('No Ingress controller pods found (looked for app.kubernetes.io/name = ingress-nginx, traefik, …): the controller → backend leg is checked from the source instead');
    else {
      const made = controllers.flatMap((controller) => sources.map((source) => check('to ingress controller', source, { pod: controller }, controllerPort(controller, entryPort, index))));
      walk.push({ layer: 'ingress-controller', ids: controllers.map(idOf), caption: `The Ingress controller's ${controllers.length === 1 ? 'pod' : `${controllers.length} pods`} (${listPods(controllers)}) take the request on port ${entryPort} and send it on`, verdicts: made.map(verdictLine) });
    }
    const service = index.get('Service', route.service, route.ingress.metadata.namespace);
    if (!service) {
      notes.push(`Ingress ${ingressName} routes to Service ${route.service}, which does not exist`);
      walk.push({ layer: 'service', ids: [objectId('Service', route.service, route.ingress.metadata.namespace)], caption: `Service ${route.ingress.metadata.namespace}/${route.service} does not exist: the controller answers 503`, verdicts: [] });
    }
    else toService(service, servicePortFor(service, route.port), controllers.length ? controllers.map((pod) => ({ pod })) : sources, 'to backend');
  } else {
    const ref = parseObjectRef(query.to);
    const { kind, namespace, name } = ref;
    const service = (kind === undefined || kind === 'Service') && namespace && name ? index.get('Service', name, namespace) : undefined;
    const pod = (kind === undefined || kind === 'Pod') && namespace && name ? index.get('Pod', name, namespace) : undefined;
    // A workload as the destination: each of its pods, on the port given (a pod port).
    const workloadPods = !service && !pod ? podsNamed(ref, index, engine) : [];
    if (service && kind === 'Service') toService(service, servicePortFor(service, { number: query.port }), sources, 'to backend');
    else if (pod) {
      hops.push(`pod ${podRef(pod)} port ${query.port ?? '(none given)'}/${protocol}`);
      arrive([{ pod, port: query.port, made: sources.map((source) => check('to pod', source, { pod }, query.port)) }], `Pod ${podRef(pod)} port ${query.port ?? '(none given)'}/${protocol}`);
    } else if (service) toService(service, servicePortFor(service, { number: query.port }), sources, 'to backend');
    else if (parseIp(query.to)) {
      // An address may be a pod's or a Service's: then it is judged as that pod, or at the Service's backends (rule 22).
      const podAt = engine.pods.find((p) => p.status.podIPs.includes(query.to));
      const serviceAt = index.all('Service').find((svc) => svc.spec.clusterIPs.includes(query.to));
      if (podAt) {
        hops.push(`${query.to} is pod ${podRef(podAt)}; port ${query.port ?? '(none given)'}/${protocol}`);
        arrive([{ pod: podAt, port: query.port, made: sources.map((source) => check('to pod', source, { pod: podAt }, query.port)) }], `${query.to} is pod ${podRef(podAt)}; port ${query.port ?? '(none given)'}/${protocol}`);
      } else if (serviceAt) {
        hops.push(`${query.to} is the ClusterIP of Service ${serviceAt.metadata.namespace}/${serviceAt.metadata.name}`);
        toService(serviceAt, servicePortFor(serviceAt, { number: query.port }), sources, 'to backend');
      } else {
        hops.push(`address ${query.to} port ${query.port ?? '(none given)'}/${protocol}`);
        arrive([{ ip: query.to, port: query.port, made: sources.map((source) => check('to address', source, { ip: query.to }, query.port)) }], `Address ${query.to} port ${query.port ?? '(none given)'}/${protocol}, outside the pods Strata knows`);
      }
    } else if (workloadPods.length) {
      hops.push(`${query.to}: ${workloadPods.length} pod${workloadPods.length === 1 ? '' : 's'} on port ${query.port ?? '(none given)'}/${protocol}`);
      arrive(
        workloadPods.map((target) => ({ pod: target, port: query.port, made: sources.map((source) => check('to pod', source, { pod: target }, query.port)) })),
        `${query.to}: ${workloadPods.length === 1 ? 'pod' : `${workloadPods.length} pods:`} ${listPods(workloadPods)} on port ${query.port ?? '(none given)'}/${protocol}`,
      );
    } else throw new ReachQueryError(`"${query.to}" is not a destination: give a pod, workload or Service as namespace/name, Kind/namespace/name or namespace/name[Kind], an Ingress URL (http://host/path), or an IP address`);
  }
  // The outcome is end to end: a backend counts as reached only over a first leg that is allowed too.
  const finals = checks.filter((c) => c.leg !== 'to ingress controller');
  const allowed = finals.filter(allowedEndToEnd).length;
  const outcome = finals.length === 0 ? 'unknown' : allowed === finals.length ? 'all' : allowed === 0 ? 'none' : 'some';
  const invalid = engine.policies.filter((p) => p.problems.length).length;
  if (invalid) notes.push(`${invalid} invalid polic${invalid === 1 ? 'y is' : 'ies are'} left out: the API server would reject them`);
  return { hops, walk, checks, outcome, notes };
}
