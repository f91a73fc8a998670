import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube';
import { ClusterIndex } from '../topology/ClusterIndex';
import { endpointSlice } from '../testing/endpoints';
import { gateway, route as httpRoute } from '../testing/gatewayApi';
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

describe('the walk: the same path by layer, for presenter mode', () => {
  const objects = [
    namespace('app'),
    namespace('ingress'),
    pod('ingress', 'controller-1', { labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ip: '10.0.1.1', node: 'node-a' }),
    pod('app', 'web-1', { labels: { app: 'web' }, ip: '10.0.0.1', node: 'node-a', ports: [{ name: 'http', containerPort: 8080 }] }),
    pod('app', 'web-2', { labels: { app: 'web' }, ip: '10.0.0.2', node: 'node-b', ports: [{ name: 'http', containerPort: 8080 }] }),
    pod('app', 'web-3', { labels: { app: 'web' }, ip: '10.0.0.3', node: 'node-b', ports: [{ name: 'metrics', containerPort: 9100 }] }),
    service('app', 'web', { clusterIP: '10.96.0.50', clusterIPs: ['10.96.0.50'], selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] }),
    endpointSlice('app', 'web-abcde', 'web', [{ pod: 'web-1', node: 'node-a' }, { pod: 'web-2', node: 'node-b', ready: false }]),
    networkPolicy('app', 'web-from-ingress', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }] }] }),
    ingress('shop', { rules: [rule('shop.example', [['/', 'Prefix', 'web']])] }),
    ingress('broken', { rules: [rule('old.example', [['/', 'Prefix', 'gone']])] }),
  ];
  const engine = new PolicyEngine(objects);

  it('steps from an Ingress host and path through the controller, the Service port, the targetPort, the EndpointSlice and the pods to their Nodes', () => {
    const { walk } = reachPath(engine, { from: '203.0.113.7', to: 'http://shop.example/cart' });
    expect(walk.map((s) => s.layer)).toEqual(['source', 'ingress', 'ingress-controller', 'service', 'target-port', 'endpoint-slice', 'pod', 'node']);
    const [source, entry, controller, svc, target, slice, pods, nodes] = walk;
    expect(source).toMatchObject({ ids: [], caption: 'From 203.0.113.7, outside the pods Strata knows' });
    expect(entry).toMatchObject({ ids: ['Ingress/app/shop'], caption: 'Ingress app/shop routes shop.example / to Service web port 80' });
    expect(controller.ids).toEqual(['Pod/ingress/controller-1']);
    expect(controller.verdicts).toHaveLength(1);
    expect(svc).toMatchObject({ ids: ['Service/app/web'], caption: 'Service app/web port 80/TCP (ClusterIP 10.96.0.50), selecting 3 pods' });
    expect(target.caption).toBe('targetPort "http" resolves to 8080/TCP on 2 pods; app/web-3 declares no such port: no traffic reaches it');
    expect(slice).toMatchObject({ ids: ['EndpointSlice/app/web-abcde'], caption: expect.stringContaining('web-abcde: 1 of 2 endpoints ready') });
    expect(pods.ids).toEqual(['Pod/app/web-1', 'Pod/app/web-2']);
    expect(pods.caption).toBe('2 pods: app/web-1, app/web-2; policies allow every one');
    // Each check names the policy that decided it.
    expect(pods.verdicts).toEqual(['pod ingress/controller-1 → pod app/web-1 port 8080/TCP: allowed by NetworkPolicy/app/web-from-ingress rule ingress[0]', 'pod ingress/controller-1 → pod app/web-2 port 8080/TCP: allowed by NetworkPolicy/app/web-from-ingress rule ingress[0]']);
    expect(nodes).toMatchObject({ ids: ['Node/node-a', 'Node/node-b'], caption: 'The pods run on Nodes node-a, node-b' });
  });

  it('counts a backend as allowed only over an entry that is allowed too, as the outcome does', () => {
    const closed = new PolicyEngine([...objects, networkPolicy('ingress', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })]);
    const result = reachPath(closed, { from: '203.0.113.7', to: 'http://shop.example/' });
    expect(result.outcome).toBe('none');
    expect(result.walk.find((s) => s.layer === 'pod')!.caption).toBe('2 pods: app/web-1, app/web-2; policies allow none');
  });

  it('walks a Gateway route: the most specific hostname, Exact before the longest PathPrefix, to its Service backend', () => {
    const withGateway = new PolicyEngine([
      ...objects,
      gateway('app', 'public'),
      httpRoute('app', 'shop-routes', {
        hostnames: ['gw.example'],
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'gone', port: 80 }] },
          { matches: [{ path: { type: 'PathPrefix', value: '/web' } }], backendRefs: [{ name: 'web', port: 80 }] },
        ],
      }),
    ]);
    const result = reachPath(withGateway, { from: '203.0.113.7', to: 'http://gw.example/web/cart' });
    expect(result.walk.map((s) => s.layer)).toEqual(['source', 'gateway', 'service', 'target-port', 'endpoint-slice', 'pod', 'node']);
    expect(result.walk[1]).toMatchObject({ ids: ['Gateway/app/public', 'HTTPRoute/app/shop-routes'], caption: 'Gateway app/public takes gw.example; HTTPRoute app/shop-routes matches PathPrefix /web and sends it to Service app/web port 80' });
    expect(result.checks.map((c) => c.source)).toEqual(['203.0.113.7', '203.0.113.7']);
    // Another path falls to the rule with `/`, whose Service is not there.
    expect(reachPath(withGateway, { from: '203.0.113.7', to: 'http://gw.example/about' }).walk.at(-1)).toMatchObject({ layer: 'service', ids: ['Service/app/gone'] });
    expect(() => reachPath(withGateway, { from: '203.0.113.7', to: 'http://nowhere.example/' })).toThrow('No Ingress or HTTPRoute routes nowhere.example/');
  });

  it('says where the walk ends when a hop is missing, and walks from a pod to a Service as well', () => {
    const broken = reachPath(engine, { from: '203.0.113.7', to: 'http://old.example/' }).walk;
    expect(broken.at(-1)).toMatchObject({ layer: 'service', ids: ['Service/app/gone'], caption: 'Service app/gone does not exist: the controller answers 503' });
    const fromPod = reachPath(engine, { from: 'ingress/controller-1', to: 'app/web', port: 80 }).walk;
    expect(fromPod[0]).toMatchObject({ layer: 'source', ids: ['Pod/ingress/controller-1'], caption: 'From pod ingress/controller-1' });
    expect(fromPod.map((s) => s.layer)).toEqual(['source', 'service', 'target-port', 'endpoint-slice', 'pod', 'node']);
  });
});
