import type { HTTPRoute, Ingress, Pod, ServiceBackendPort } from '../../shared/kube';
import { resolveTargetPort } from '../kube/ports';
import { INGRESS_CONTROLLER_NAMES } from '../kube/wellKnownPods';
import { matchesServiceSelector } from '../selectors';
import type { ClusterIndex } from '../topology/ClusterIndex';

/** What an Ingress rule matches on; core code has no URL class (no DOM, no Node). */
export interface IngressUrl {
  protocol: 'http:' | 'https:';
  hostname: string;
  pathname: string;
}

export function parseIngressUrl(text: string): IngressUrl | undefined {
  const match = /^(https?):\/\/([^/:?#]+)(?::\d+)?([^?#]*)/i.exec(text);
  return match ? { protocol: `${match[1].toLowerCase()}:` as IngressUrl['protocol'], hostname: match[2].toLowerCase(), pathname: match[3] || '/' } : undefined;
}

export interface IngressRoute {
  ingress: Ingress;
  service: string;
  port: ServiceBackendPort;
  /** The matched path, or `(default backend)`. */
  path: string;
}

const elements = (path: string) => path.split('/').filter(Boolean);

/** Prefix matching is by path element, and a trailing slash is ignored: `/foo/` matches `/foo` but not `/foobar`. */
function pathMatches(pathType: string, rulePath: string, requested: string): boolean {
  if (pathType === 'Exact') return rulePath === requested;
  const want = elements(rulePath);
  const have = elements(requested);
  return want.length <= have.length && want.every((element, i) => have[i] === element);
}

/** Exact host beats a `*.` wildcard beats no host; 0 when the rule does not match the host. */
function hostRank(ruleHost: string | undefined, hostname: string): number {
  if (!ruleHost) return 1;
  if (ruleHost === hostname) return 3;
  // A wildcard covers exactly one label: *.example.com matches a.example.com, not a.b.example.com.
  return ruleHost.startsWith('*.') && hostname.endsWith(ruleHost.slice(1)) && hostname.split('.').length === ruleHost.split('.').length ? 2 : 0;
}

/**
 * The backend an Ingress controller picks for a URL, over every Ingress: the most specific host,
 * then the longest matching path, Exact before Prefix on a tie; a default backend only when no
 * rule matches.
 */
export function findIngressRoute(url: IngressUrl, index: ClusterIndex): IngressRoute | undefined {
  let best: { route: IngressRoute; score: [number, number, number] } | undefined;
  const better = (a: readonly number[], b: readonly number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  for (const ingress of index.all('Ingress')) {
    for (const rule of ingress.spec.rules) {
      const host = hostRank(rule.host, url.hostname);
      if (host === 0) continue;
      for (const path of rule.paths) {
        const rulePath = path.path ?? '/';
        if (!path.backend.service || !pathMatches(path.pathType, rulePath, url.pathname)) continue;
        const score: [number, number, number] = [host, elements(rulePath).join('/').length, path.pathType === 'Exact' ? 1 : 0];
        if (!best || better(score, best.score) > 0) best = { route: { ingress, service: path.backend.service.name, port: path.backend.service.port, path: rulePath }, score };
      }
    }
  }
  if (best) return best.route;
  const fallback = index.all('Ingress').find((i) => i.spec.defaultBackend?.service);
  return fallback ? { ingress: fallback, service: fallback.spec.defaultBackend!.service!.name, port: fallback.spec.defaultBackend!.service!.port, path: '(default backend)' } : undefined;
}

export interface GatewayRoute {
  route: HTTPRoute;
  /** The Gateways the route names as parents, `namespace/name`. */
  gateways: string[];
  service: { namespace: string; name: string; port?: number };
  /** The matched path match, as `PathPrefix /api` or `Exact /`. */
  path: string;
}

/** The path matches of a rule, as the Gateway API reads them: none given means every path (`PathPrefix /`). */
function routePaths(matches: readonly unknown[]): { type: string; value: string }[] {
  const paths = matches.map((m) => {
    const path = (m as { path?: { type?: unknown; value?: unknown } } | null)?.path;
    return { type: typeof path?.type === 'string' ? path.type : 'PathPrefix', value: typeof path?.value === 'string' ? path.value : '/' };
  });
  return paths.length ? paths : [{ type: 'PathPrefix', value: '/' }];
}

/**
 * The Service backend a Gateway sends a URL to through an HTTPRoute, over every HTTPRoute: the
 * most specific hostname (a route without hostnames takes any), then Exact before the longest
 * PathPrefix, as the Gateway API orders matches. Only Service backends; the first one of the rule
 * (weights split traffic between them).
 */
export function findGatewayRoute(url: IngressUrl, index: ClusterIndex): GatewayRoute | undefined {
  let best: { found: GatewayRoute; score: [number, number, number] } | undefined;
  for (const route of index.all('HTTPRoute')) {
    const namespace = route.metadata.namespace ?? 'default';
    const host = route.spec.hostnames.length ? Math.max(0, ...route.spec.hostnames.map((h) => hostRank(h.toLowerCase(), url.hostname))) : 1;
    if (host === 0) continue;
    for (const rule of route.spec.rules) {
      const backend = rule.backendRefs.find((b) => (b.kind ?? 'Service') === 'Service' && !b.group);
      if (!backend) continue;
      for (const path of routePaths(rule.matches)) {
        if (path.type === 'RegularExpression' || !pathMatches(path.type === 'Exact' ? 'Exact' : 'Prefix', path.value, url.pathname)) continue;
        const score: [number, number, number] = [host, path.type === 'Exact' ? 1 : 0, elements(path.value).join('/').length];
        if (best && (best.score[0] - score[0] || best.score[1] - score[1] || best.score[2] - score[2]) >= 0) continue;
        const gateways = route.spec.parentRefs.filter((p) => (p.kind ?? 'Gateway') === 'Gateway').map((p) => `${p.namespace ?? namespace}/${p.name}`);
        best = { found: { route, gateways, service: { namespace: backend.namespace ?? namespace, name: backend.name, ...(backend.port !== undefined ? { port: backend.port } : {}) }, path: `${path.type} ${path.value}` }, score };
      }
    }
  }
  return best?.found;
}

/**
 * The pods that run an Ingress's controller, by the labels the common controllers' charts set,
 * narrowed to the controller its IngressClass names when that tells them apart. With `strict`,
 * only pods of that controller: none when the class names a controller Strata cannot place.
 */
export function ingressControllerPods(ingress: Ingress, index: ClusterIndex, options: { strict?: boolean } = {}): Pod[] {
  const nameOf = (p: Pod) => p.metadata.labels?.['app.kubernetes.io/name'] ?? p.metadata.labels?.app ?? '';
  // Only controllers whose pods carry the traffic: the AWS Load Balancer Controller's data plane is the ALB, outside the cluster.
  const candidates = index.all('Pod').filter((p) => INGRESS_CONTROLLER_NAMES.includes(nameOf(p)) && nameOf(p) !== 'aws-load-balancer-controller');
  const className = ingress.spec.ingressClassName ?? index.all('IngressClass').find((c) => c.spec.isDefault)?.metadata.name;
  const controller = className ? index.get('IngressClass', className)?.spec.controller : undefined;
  const wanted = controller?.slice(controller.lastIndexOf('/') + 1);
  const ofClass = wanted ? candidates.filter((p) => nameOf(p) === wanted || wanted.includes(nameOf(p))) : [];
  // Without a match, every controller may serve it, unless the caller must be sure (a finding blames the controller).
  return ofClass.length || (options.strict && wanted) ? ofClass : candidates;
}

/** The port a controller pod listens on for the Ingress's entry port, through the controller's Service when it has one. */
export function controllerPort(pod: Pod, entryPort: number, index: ClusterIndex): number {
  for (const service of index.all('Service')) {
    if (service.metadata.namespace !== pod.metadata.namespace || !matchesServiceSelector(pod.metadata.labels, service.spec.selector)) continue;
    const port = service.spec.ports.find((p) => p.port === entryPort && p.protocol === 'TCP');
    const target = port && resolveTargetPort(port, pod);
    if (target !== undefined) return target;
  }
  return entryPort;
}
