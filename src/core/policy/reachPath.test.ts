import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube';
import { ClusterIndex } from '../topology/ClusterIndex';
import { kube, namespace, networkPolicy, pod, service } from '../testing/manifests';
import { findIngressRoute, parseIngressUrl } from './ingressRoute';
import { PolicyEngine } from './PolicyEngine';
import { reachPath } from './reachPath';

const ingress = (name: string, spec: Record<string, unknown>) => kube({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'app' }, spec });
const rule = (host: string | undefined, paths: [string, string, string][]) => ({
  ...(host ? { host } : {}),
  http: { paths: paths.map(([path, pathType, svc]) => ({ path, pathType, backend: { service: { name: svc, port: { number: 80 } } } })) },
});
const route = (objects: KubeObject[], url: string) => findIngressRoute(parseIngressUrl(url)!, new ClusterIndex({ objects }));

describe('Ingress routing, as a controller picks a backend', () => {
  it('matches Prefix paths by element, ignoring a trailing slash, and prefers Exact on a tie and the longest path', () => {
    const objects = [ingress('a', { rules: [rule('shop.example', [['/', 'Prefix', 'root'], ['/api/', 'Prefix', 'api'], ['/api', 'Exact', 'api-exact'], ['/api/cart', 'Prefix', 'cart']])] })];
    expect(route(objects, 'http://shop.example/api')?.service).toBe('api-exact');
    expect(route(objects, 'http://shop.example/api/')?.service).toBe('api');
    expect(route(objects, 'http://shop.example/api/cart/items')?.service).toBe('cart');
    expect(route(objects, 'http://shop.example/apix')?.service).toBe('root');
  });

  it('prefers an exact host to a wildcard to no host, and uses a default backend only when no rule matches, over every Ingress', () => {
    const objects = [
      ingress('catch-all', { defaultBackend: { service: { name: 'fallback', port: { number: 80 } } }, rules: [rule(undefined, [['/api/long/path', 'Prefix', 'any-host']])] }),
      ingress('wild', { rules: [rule('*.example.com', [['/api', 'Prefix', 'wild']])] }),
      ingress('exact', { rules: [rule('shop.example.com', [['/', 'Prefix', 'shop']])] }),
    ];
    expect(route(objects, 'https://shop.example.com/api/long/path')?.service).toBe('shop');
    expect(route(objects, 'https://cart.example.com/api')?.service).toBe('wild');
    expect(route(objects, 'https://a.b.example.com/api/long/path')?.service).toBe('any-host');
    expect(route(objects, 'https://other.test/')).toMatchObject({ service: 'fallback', path: '(default backend)' });
  });
});

describe('"Can A reach B?" paths', () => {
  const objects = [
    namespace('app'),
    pod('app', 'client', { labels: { app: 'client' }, ip: '10.0.0.9' }),
    pod('app', 'web-1', { labels: { app: 'web' }, ip: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }] }),
    pod('app', 'web-2', { labels: { app: 'web' }, ip: '10.0.0.2', ports: [{ name: 'http', containerPort: 9090 }] }),
    service('app', 'web', { clusterIP: '10.96.0.50', clusterIPs: ['10.96.0.50'], selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] }),
    networkPolicy('app', 'web-9090-only', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 9090 }] }] }),
  ];
  const engine = new PolicyEngine(objects);

  it('rule 22: a Service is judged at the targetPort each backend resolves, not the Service port', () => {
    const result = reachPath(engine, { from: 'app/client', to: 'app/web', port: 80 });
    expect(result.hops).toEqual(['Service app/web port 80/TCP → targetPort http on 2 pods', '  → pod app/web-1 port 8080/TCP', '  → pod app/web-2 port 9090/TCP']);
    expect(result.checks.map((c) => [c.destination, c.port, c.verdict.allowed])).toEqual([
      ['pod app/web-1', 8080, false],
      ['pod app/web-2', 9090, true],
    ]);
    expect(result.outcome).toBe('some');
  });

  it('judges an address that is a pod as that pod, and a ClusterIP at its Service backends', () => {
    const byPodIp = reachPath(engine, { from: 'app/client', to: '10.0.0.1', port: 8080 });
    expect(byPodIp.hops).toEqual(['10.0.0.1 is pod app/web-1; port 8080/TCP']);
    expect(byPodIp.checks[0].verdict.ingress.allowed).toBe(false);
    const byClusterIp = reachPath(engine, { from: '10.0.0.9', to: '10.96.0.50', port: 80 });
    expect(byClusterIp.hops[0]).toBe('10.96.0.50 is the ClusterIP of Service app/web');
    expect(byClusterIp.checks.map((c) => [c.source, c.port])).toEqual([
      ['pod app/client', 8080],
      ['pod app/client', 9090],
    ]);
  });

  it('says what is wrong with a question it cannot answer', () => {
    expect(() => reachPath(engine, { from: 'app/ghost', to: 'app/web' })).toThrow('No pod or workload "app/ghost" in this cluster state');
    expect(() => reachPath(engine, { from: 'app/client', to: 'nonsense' })).toThrow('"nonsense" is not a destination');
    expect(reachPath(engine, { from: 'app/client', to: 'app/web', port: 443 }).notes).toEqual(['Service app/web has no TCP port 443; its ports are 80/TCP']);
  });
});
