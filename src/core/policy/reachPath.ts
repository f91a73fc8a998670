import type { Pod, Service, ServicePort } from '../../shared/kube';
import { SERVICE_NAME_LABEL } from '../../shared/kube';
import { resolveTargetPort } from '../kube/ports';
import { matchesServiceSelector } from '../selectors';
import type { ClusterIndex } from '../topology/ClusterIndex';
import { workloadOf } from '../topology/computeLayer';
import { parseIp } from './ipRanges';
import type { ReachCheck, ReachQuery, ReachResult } from '../../shared/model';
import { connectionVerdict, describeEndpoint } from './explainVerdict';
import { controllerPort, findIngressRoute, ingressControllerPods, parseIngressUrl } from './ingressRoute';
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
  const checks: ReachCheck[] = [];
  const notes: string[] = [];
  const check = (leg: string, from: Endpoint, to: Endpoint, port: number | undefined) =>
    checks.push({ leg, source: describeEndpoint(from), destination: describeEndpoint(to), protocol, ...(port !== undefined ? { port } : {}), verdict: connectionVerdict(engine, from, to, protocol, port) });

  const toService = (service: Service, servicePort: ServicePort | undefined, from: Endpoint[], leg: string) => {
    const name = `${service.metadata.namespace}/${service.metadata.name}`;
    if (!servicePort) {
      notes.push(`Service ${name} has no ${protocol} port ${query.port ?? ''}; its ports are ${service.spec.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'none'}`);
      return;
    }
    const backends = serviceBackends(service, index);
    hops.push(`Service ${name} port ${servicePort.port}/${servicePort.protocol} → targetPort ${servicePort.targetPort} on ${backends.length} pod${backends.length === 1 ? '' : 's'}`);
    if (backends.length === 0) notes.push(`Service ${name} selects no pods: nothing answers, whatever the policies say`);
    for (const pod of backends) {
      const target = resolveTargetPort(servicePort, pod);
      if (target === undefined) {
        notes.push(`pod ${podRef(pod)} has no container port named "${servicePort.targetPort}" (${servicePort.protocol}): the Service cannot send it traffic`);
        continue;
      }
      hops.push(`  → pod ${podRef(pod)} port ${target}/${servicePort.protocol}`);
      for (const source of from) check(leg, source, { pod }, target);
    }
  };
  const servicePortFor = (service: Service, wanted: { number?: number; name?: string }) =>
    service.spec.ports.find((p) => (wanted.number !== undefined ? p.port === wanted.number : wanted.name !== undefined ? p.name === wanted.name : true) && (p.protocol === protocol || wanted.name !== undefined));

  const url = parseIngressUrl(query.to);
  if (url) {
    const route = findIngressRoute(url, index);
    if (!route) throw new ReachQueryError(`No Ingress routes ${url.hostname}${url.pathname}`);
    const ingressName = `${route.ingress.metadata.namespace}/${route.ingress.metadata.name}`;
    hops.push(`Ingress ${ingressName}: ${url.hostname} ${route.path} → Service ${route.service} port ${route.port.number ?? route.port.name}`);
    const controllers = ingressControllerPods(route.ingress, index);
    const entryPort = query.port ?? (url.protocol === 'https:' ? 443 : 80);
    if (controllers.length === 0) notes.push('No Ingress controller pods found (looked for app.kubernetes.io/name = ingress-nginx, traefik, …): the controller → backend leg is checked from the source instead');
    else for (const source of sources) for (const controller of controllers) check('to ingress controller', source, { pod: controller }, controllerPort(controller, entryPort, index));
    const service = index.get('Service', route.service, route.ingress.metadata.namespace);
    if (!service) notes.push(`Ingress ${ingressName} routes to Service ${route.service}, which does not exist`);
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
      for (const source of sources) check('to pod', source, { pod }, query.port);
    } else if (service) toService(service, servicePortFor(service, { number: query.port }), sources, 'to backend');
    else if (parseIp(query.to)) {
      // An address may be a pod's or a Service's: then it is judged as that pod, or at the Service's backends (rule 22).
      const podAt = engine.pods.find((p) => p.status.podIPs.includes(query.to));
      const serviceAt = index.all('Service').find((svc) => svc.spec.clusterIPs.includes(query.to));
      if (podAt) {
        hops.push(`${query.to} is pod ${podRef(podAt)}; port ${query.port ?? '(none given)'}/${protocol}`);
        for (const source of sources) check('to pod', source, { pod: podAt }, query.port);
      } else if (serviceAt) {
        hops.push(`${query.to} is the ClusterIP of Service ${serviceAt.metadata.namespace}/${serviceAt.metadata.name}`);
        toService(serviceAt, servicePortFor(serviceAt, { number: query.port }), sources, 'to backend');
      } else {
        hops.push(`address ${query.to} port ${query.port ?? '(none given)'}/${protocol}`);
        for (const source of sources) check('to address', source, { ip: query.to }, query.port);
      }
    } else if (workloadPods.length) {
      hops.push(`${query.to}: ${workloadPods.length} pod${workloadPods.length === 1 ? '' : 's'} on port ${query.port ?? '(none given)'}/${protocol}`);
      for (const target of workloadPods) for (const source of sources) check('to pod', source, { pod: target }, query.port);
    } else throw new ReachQueryError(`"${query.to}" is not a destination: give a pod, workload or Service as namespace/name, Kind/namespace/name or namespace/name[Kind], an Ingress URL (http://host/path), or an IP address`);
  }
  // The outcome is end to end: a backend counts as reached only over a first leg that is allowed too.
  const entered = new Set(checks.filter((c) => c.leg === 'to ingress controller' && c.verdict.allowed).map((c) => c.destination));
  const entryLegs = checks.some((c) => c.leg === 'to ingress controller');
  const finals = checks.filter((c) => c.leg !== 'to ingress controller');
  const allowed = finals.filter((c) => c.verdict.allowed && (!entryLegs || entered.has(c.source))).length;
  const outcome = finals.length === 0 ? 'unknown' : allowed === finals.length ? 'all' : allowed === 0 ? 'none' : 'some';
  if (engine.policies.some((p) => p.problems.length)) notes.push(`${engine.policies.filter((p) => p.problems.length).length} invalid polic${engine.policies.filter((p) => p.problems.length).length === 1 ? 'y is' : 'ies are'} left out: the API server would reject them`);
  return { hops, checks, outcome, notes };
}
