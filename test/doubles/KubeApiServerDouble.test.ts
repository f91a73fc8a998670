import { request, type RequestOptions } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiServerDouble, type KubeApiServerDoubleOptions } from './KubeApiServerDouble';
import { makeTestPki, type PemPair, type TestPki } from './testPki';

// These tests check the DOUBLE itself against the shapes of the real kube-apiserver's bytes
// (the captured wire samples), over real HTTPS with plain node:https. No real cluster is involved.

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

type Json = Record<string, unknown>;

const pod = (namespace: string, name: string, labels: Record<string, string> = { app: 'echo' }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'echo', image: 'echo:1.0' }] },
  status: { phase: 'Running' },
});

const decodeContinue = (token: string) => JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Json;

describe('Kubernetes API server double (test double, not a real cluster)', () => {
  let pki: TestPki;
  let alice: PemPair;
  let api: KubeApiServerDouble;

  beforeAll(async () => {
    pki = await makeTestPki();
    alice = await pki.clientCert('alice', ['developers']);
  });
  afterAll(() => pki.remove());
  afterEach(async () => {
    await api?.close();
  });

  const start = async (options: Partial<KubeApiServerDoubleOptions> = {}) => {
    api = await KubeApiServerDouble.start({ tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert }, tokens: { 'token-of-jane': 'jane' }, ...options });
    return api;
  };

  /** A GET as jane (bearer token) unless other credentials are given. */
  const get = (path: string, options: RequestOptions = { headers: { authorization: 'Bearer token-of-jane' } }) =>
    new Promise<Reply>((resolve, reject) => {
      const req = request(`${api.url}${path}`, { ca: pki.ca.cert, ...options }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });

  const getJson = async (path: string) => {
    const reply = await get(path);
    return { ...reply, json: JSON.parse(reply.body) as Json };
  };

  /** Reads a watch line by line while it is open; `ended` resolves when the server ends it. */
  const openWatch = (path: string) => {
    const lines: Json[] = [];
    let status = 0;
    let buffered = '';
    const ended = new Promise<void>((resolve, reject) => {
      const req = request(`${api.url}${path}`, { ca: pki.ca.cert, headers: { authorization: 'Bearer token-of-jane' } }, (res) => {
        status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
            lines.push(JSON.parse(buffered.slice(0, newline)) as Json);
            buffered = buffered.slice(newline + 1);
          }
        });
        // A clean end completes the chunked body; a dropped connection closes it incomplete.
        res.on('close', () => (res.complete ? resolve() : reject(new Error('watch connection dropped mid-stream'))));
        res.on('error', () => undefined);
      });
      req.on('error', reject);
      req.end();
    });
    const until = async (check: () => boolean) => {
      for (const deadline = Date.now() + 5000; !check(); await new Promise((r) => setTimeout(r, 10))) {
        if (Date.now() > deadline) throw new Error(`watch ${path} did not get there; lines: ${JSON.stringify(lines.map((line) => line.type))}`);
      }
    };
    return { lines, ended, until, status: () => status, unparsed: () => buffered };
  };

  const resourcesOf = (list: Json) => (list.resources as Json[]).filter((resource) => !String(resource.name).includes('/'));

  it('serves version and discovery as a real server does, without Gateway API until it is installed', async () => {
    await start();
    const version = await getJson('/version');
    expect(Object.keys(version.json)).toEqual(['major', 'minor', 'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform']);
    expect(version.json).toMatchObject({ major: '1', minor: '31', gitVersion: 'v1.31.0' });

    const apiVersions = await getJson('/api');
    expect(apiVersions.json).toEqual({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: api.url.replace('https://', '') }] });

    const groups = await getJson('/apis');
    expect(groups.json.kind).toBe('APIGroupList');
    expect(groups.json.apiVersion).toBe('v1');
    expect((groups.json.groups as Json[]).map((group) => group.name)).toEqual(['apps', 'batch', 'networking.k8s.io', 'discovery.k8s.io']);
    expect((groups.json.groups as Json[])[0]).toEqual({ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });

    const core = await getJson('/api/v1');
    expect(core.json).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    expect(resourcesOf(core.json).map((r) => [r.name, r.kind, r.namespaced])).toEqual([
      ['configmaps', 'ConfigMap', true],
      ['endpoints', 'Endpoints', true],
      ['namespaces', 'Namespace', false],
      ['nodes', 'Node', false],
      ['pods', 'Pod', true],
      ['secrets', 'Secret', true],
      ['services', 'Service', true],
    ]);
    expect(resourcesOf(core.json).find((r) => r.name === 'pods')).toEqual({
      name: 'pods', singularName: '', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'], categories: ['all'], storageVersionHash: 'xPOwRZ+Yhw8=',
    });

    // Field for field as in discovery-networking.k8s.io-v1.json (v1.24 still had networkpolicies/status; v1.31 does not).
    const networking = await getJson('/apis/networking.k8s.io/v1');
    expect(networking.json).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'networking.k8s.io/v1' });
    expect(resourcesOf(networking.json)).toEqual([
      { name: 'ingressclasses', singularName: '', namespaced: false, kind: 'IngressClass', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], storageVersionHash: 'l/iqIbDgFyQ=' },
      { name: 'ingresses', singularName: '', namespaced: true, kind: 'Ingress', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ing'], storageVersionHash: '39NQlfNR+bo=' },
      { name: 'networkpolicies', singularName: '', namespaced: true, kind: 'NetworkPolicy', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['netpol'], storageVersionHash: 'YpfwF18m1G8=' },
    ]);
    expect((networking.json.resources as Json[]).find((r) => r.name === 'ingresses/status')).toEqual({ name: 'ingresses/status', singularName: '', namespaced: true, kind: 'Ingress', verbs: ['get', 'patch', 'update'] });
    expect(resourcesOf((await getJson('/apis/apps/v1')).json).map((r) => r.name)).toEqual(['daemonsets', 'deployments', 'replicasets', 'statefulsets']);
    expect(resourcesOf((await getJson('/apis/batch/v1')).json).map((r) => r.name)).toEqual(['cronjobs', 'jobs']);
    expect(resourcesOf((await getJson('/apis/discovery.k8s.io/v1')).json).map((r) => r.name)).toEqual(['endpointslices']);

    // error-404-group.json: plain text, not a Status.
    for (const path of ['/apis/gateway.networking.k8s.io/v1', '/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes', '/apis/no.such.group/v1', '/api/v1/namespaces/default/nodes']) {
      const missing = await get(path);
      expect([path, missing.status, missing.headers['content-type'], missing.body]).toEqual([path, 404, 'text/plain; charset=utf-8', '404 page not found\n']);
    }

    api.installGatewayApi();
    const withGateway = await getJson('/apis');
    // Gateway API v1.2 standard channel: v1 preferred, v1beta1 still served (ReferenceGrant lives only there).
    expect((withGateway.json.groups as Json[]).at(-1)).toEqual({
      name: 'gateway.networking.k8s.io',
      versions: [{ groupVersion: 'gateway.networking.k8s.io/v1', version: 'v1' }, { groupVersion: 'gateway.networking.k8s.io/v1beta1', version: 'v1beta1' }],
      preferredVersion: { groupVersion: 'gateway.networking.k8s.io/v1', version: 'v1' },
    });
    const gateway = await getJson('/apis/gateway.networking.k8s.io/v1');
    expect(resourcesOf(gateway.json).map((r) => [r.name, r.kind, r.namespaced])).toEqual([
      ['gatewayclasses', 'GatewayClass', false],
      ['gateways', 'Gateway', true],
      ['grpcroutes', 'GRPCRoute', true],
      ['httproutes', 'HTTPRoute', true],
    ]);
    expect(resourcesOf(gateway.json)[0]).toEqual({
      name: 'gatewayclasses', singularName: 'gatewayclass', namespaced: false, kind: 'GatewayClass', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['gc'], categories: ['gateway-api'], storageVersionHash: expect.any(String),
    });
    const v1beta1 = await getJson('/apis/gateway.networking.k8s.io/v1beta1');
    expect(v1beta1.json).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'gateway.networking.k8s.io/v1beta1' });
    expect(resourcesOf(v1beta1.json).map((r) => [r.name, r.kind, r.namespaced])).toEqual([
      ['gatewayclasses', 'GatewayClass', false],
      ['gateways', 'Gateway', true],
      ['httproutes', 'HTTPRoute', true],
      ['referencegrants', 'ReferenceGrant', true],
    ]);
    // ReferenceGrant has no status subresource; a version served but not stored names the stored version's hash.
    expect((v1beta1.json.resources as Json[]).map((r) => r.name)).not.toContain('referencegrants/status');
    const hashOf = (list: Json, name: string) => resourcesOf(list).find((r) => r.name === name)?.storageVersionHash;
    expect(hashOf(v1beta1.json, 'gateways')).toBe(hashOf(gateway.json, 'gateways'));
  });

  it('serves one stored Gateway at both served versions, and CRD objects as unstructured JSON', async () => {
    await start({ gatewayApi: true, bookmarkIntervalMs: 50 });
    api.apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'cilium' }, spec: { controllerName: 'io.cilium/gateway-controller' } });
    api.apply({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'Gateway', metadata: { name: 'public', namespace: 'shop' }, spec: { gatewayClassName: 'cilium', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } });
    api.apply({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'from-shop', namespace: 'backends' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service' }] } });

    const v1 = await getJson('/apis/gateway.networking.k8s.io/v1/gateways');
    const beta = await getJson('/apis/gateway.networking.k8s.io/v1beta1/namespaces/shop/gateways');
    // An UnstructuredList: keys in Go's map order, items with their own apiVersion and kind, continue present though empty.
    expect(Object.keys(v1.json)).toEqual(['apiVersion', 'items', 'kind', 'metadata']);
    expect(v1.json).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayList', metadata: { continue: '', resourceVersion: String(api.resourceVersion) } });
    expect(Object.keys(v1.json.metadata as Json)).toEqual(['continue', 'resourceVersion']);
    const [item] = v1.json.items as Json[];
    expect(Object.keys(item)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(item).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'shop' } });
    expect(Object.keys(item.metadata as Json)).toEqual(['creationTimestamp', 'name', 'namespace', 'resourceVersion', 'uid']);
    expect(beta.json).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'GatewayList' });
    expect((beta.json.items as Json[]).map((i) => [i.apiVersion, (i.metadata as Json).uid])).toEqual([['gateway.networking.k8s.io/v1beta1', (item.metadata as Json).uid]]);

    const grants = await getJson('/apis/gateway.networking.k8s.io/v1beta1/referencegrants');
    expect((grants.json.items as Json[]).map((i) => [i.kind, (i.metadata as Json).namespace, (i.metadata as Json).name])).toEqual([['ReferenceGrant', 'backends', 'from-shop']]);
    expect((await get('/apis/gateway.networking.k8s.io/v1/referencegrants')).status).toBe(404);
    const classes = await getJson('/apis/gateway.networking.k8s.io/v1/gatewayclasses/cilium');
    expect(Object.keys(classes.json)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);

    // A watch at v1beta1 sees writes made at v1, under its own apiVersion; bookmarks of a custom resource carry no creationTimestamp.
    const watch = openWatch(`/apis/gateway.networking.k8s.io/v1beta1/gateways?watch=1&allowWatchBookmarks=true&resourceVersion=${api.resourceVersion}&timeoutSeconds=5`);
    await watch.until(() => watch.status() === 200);
    api.apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'shop', labels: { tier: 'edge' } }, spec: { gatewayClassName: 'cilium', listeners: [] } });
    await watch.until(() => watch.lines.some((line) => line.type === 'MODIFIED') && watch.lines.some((line) => line.type === 'BOOKMARK'));
    const modified = watch.lines.find((line) => line.type === 'MODIFIED')!.object as Json;
    expect(Object.keys(modified).slice(0, 2)).toEqual(['apiVersion', 'kind']);
    expect(modified).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'Gateway', metadata: { labels: { tier: 'edge' } } });
    expect(watch.lines.find((line) => line.type === 'BOOKMARK')!.object).toEqual({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'Gateway', metadata: { resourceVersion: expect.any(String) } });
    api.dropWatches();
    await watch.ended.catch(() => undefined);
  });

  it('serves CNI policy CRDs when asked to, keeping Calico\'s and Antrea\'s NetworkPolicy apart from Kubernetes\'', async () => {
    await start({ crds: ['cilium', 'calico'] });
    const groups = await getJson('/apis');
    expect((groups.json.groups as Json[]).map((group) => group.name)).toEqual(['apps', 'batch', 'networking.k8s.io', 'discovery.k8s.io', 'cilium.io', 'crd.projectcalico.org']);
    expect((groups.json.groups as Json[])[4]).toEqual({
      name: 'cilium.io',
      versions: [{ groupVersion: 'cilium.io/v2', version: 'v2' }, { groupVersion: 'cilium.io/v2alpha1', version: 'v2alpha1' }],
      preferredVersion: { groupVersion: 'cilium.io/v2', version: 'v2' },
    });
    const cilium = await getJson('/apis/cilium.io/v2');
    expect(resourcesOf(cilium.json).find((r) => r.name === 'ciliumnetworkpolicies')).toEqual({
      name: 'ciliumnetworkpolicies', singularName: 'ciliumnetworkpolicy', namespaced: true, kind: 'CiliumNetworkPolicy', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['cnp', 'ciliumnp'], categories: ['cilium', 'ciliumpolicy'], storageVersionHash: expect.any(String),
    });
    expect(resourcesOf(cilium.json).find((r) => r.name === 'ciliumclusterwidenetworkpolicies')).toMatchObject({ namespaced: false, kind: 'CiliumClusterwideNetworkPolicy' });
    const calico = await getJson('/apis/crd.projectcalico.org/v1');
    expect(resourcesOf(calico.json).filter((r) => String(r.name).endsWith('networkpolicies')).map((r) => [r.name, r.kind, r.namespaced])).toEqual([
      ['globalnetworkpolicies', 'GlobalNetworkPolicy', false],
      ['networkpolicies', 'NetworkPolicy', true],
    ]);
    expect((await get('/apis/crd.antrea.io/v1beta1')).status).toBe(404);

    api.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {} } });
    api.apply({ apiVersion: 'crd.projectcalico.org/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { selector: 'all()', types: ['Ingress'] } });
    const kubernetes = await getJson('/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies');
    const ofCalico = await getJson('/apis/crd.projectcalico.org/v1/namespaces/shop/networkpolicies');
    expect((kubernetes.json.items as Json[]).map((i) => [i.kind, i.spec])).toEqual([[undefined, { podSelector: {} }]]);
    expect((ofCalico.json.items as Json[]).map((i) => [i.apiVersion, i.kind, i.spec])).toEqual([['crd.projectcalico.org/v1', 'NetworkPolicy', { selector: 'all()', types: ['Ingress'] }]]);
    expect(api.get('NetworkPolicy', 'shop', 'deny')?.apiVersion).toBe('networking.k8s.io/v1');
    expect(api.get('NetworkPolicy', 'shop', 'deny', 'crd.projectcalico.org/v1')?.apiVersion).toBe('crd.projectcalico.org/v1');
    api.delete('NetworkPolicy', 'shop', 'deny', 'crd.projectcalico.org/v1');
    expect(api.get('NetworkPolicy', 'shop', 'deny')).toBeDefined();
    expect(api.get('NetworkPolicy', 'shop', 'deny', 'crd.projectcalico.org/v1')).toBeUndefined();

    expect(() => api.apply({ apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'acnp' } })).toThrow(/installCrds\('antrea'\)/);
    api.installCrds('antrea');
    api.apply({ apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'acnp' }, spec: { priority: 5 } });
    const acnp = await getJson('/apis/crd.antrea.io/v1beta1/clusternetworkpolicies');
    expect((acnp.json.items as Json[]).map((i) => [i.kind, (i.metadata as Json).name, (i.metadata as Json).namespace])).toEqual([['ClusterNetworkPolicy', 'acnp', undefined]]);
  });

  it('serves Gateway API from the start when asked to', async () => {
    await start({ gatewayApi: true });
    expect((await get('/apis/gateway.networking.k8s.io/v1')).status).toBe(200);
    api.apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web', namespace: 'shop' }, spec: { parentRefs: [{ name: 'public' }] } });
    const routes = await getJson('/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes');
    expect(routes.json).toMatchObject({ kind: 'HTTPRouteList', apiVersion: 'gateway.networking.k8s.io/v1' });
    expect((routes.json.items as Json[]).map((item) => (item.metadata as Json).name)).toEqual(['web']);
  });

  it('pages a list with limit and continue: list RV kept, remainingItemCount, no kind on items, last page without continue', async () => {
    await start();
    for (const [namespace, name] of [['wire-demo', 'echo-c'], ['default', 'web-1'], ['wire-demo', 'echo-a'], ['kube-system', 'dns'], ['wire-demo', 'echo-b']]) api.apply(pod(namespace, name));
    const listRv = String(api.resourceVersion);

    const page1 = await getJson('/api/v1/pods?limit=2');
    expect(page1.status).toBe(200);
    expect(page1.headers['content-type']).toBe('application/json');
    expect(page1.headers['cache-control']).toBe('no-cache, private');
    expect(page1.headers['audit-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Object.keys(page1.json)).toEqual(['kind', 'apiVersion', 'metadata', 'items']);
    expect(page1.json.kind).toBe('PodList');
    expect(page1.json.apiVersion).toBe('v1');
    const metadata1 = page1.json.metadata as { resourceVersion: string; continue: string; remainingItemCount: number };
    expect(Object.keys(metadata1)).toEqual(['resourceVersion', 'continue', 'remainingItemCount']);
    expect(metadata1.resourceVersion).toBe(listRv);
    expect(metadata1.remainingItemCount).toBe(3);
    expect(decodeContinue(metadata1.continue)).toEqual({ v: 'meta.k8s.io/v1', rv: Number(listRv), start: 'kube-system/dns\u0000' });
    const items1 = page1.json.items as Json[];
    expect(items1.map((item) => Object.keys(item))).toEqual([['metadata', 'spec', 'status'], ['metadata', 'spec', 'status']]);
    expect(items1.map((item) => `${(item.metadata as Json).namespace}/${(item.metadata as Json).name}`)).toEqual(['default/web-1', 'kube-system/dns']);
    expect(Object.keys(items1[0].metadata as Json)).toEqual(['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'labels']);

    // Later pages read at the list's RV, as etcd does: changes made since do not show.
    api.apply(pod('zzz', 'created-while-paging'));
    api.apply(pod('wire-demo', 'echo-b', { app: 'relabelled' }));
    api.delete('Pod', 'wire-demo', 'echo-c');
    const page2 = await getJson(`/api/v1/pods?limit=2&continue=${metadata1.continue}`);
    const metadata2 = page2.json.metadata as { resourceVersion: string; continue: string; remainingItemCount: number };
    expect(metadata2.resourceVersion).toBe(listRv);
    const items2 = page2.json.items as { metadata: { name: string; labels: Json; resourceVersion: string } }[];
    expect(items2.map((item) => [item.metadata.name, item.metadata.labels.app])).toEqual([['echo-a', 'echo'], ['echo-b', 'echo']]);
    expect(items2.every((item) => Number(item.metadata.resourceVersion) <= Number(listRv))).toBe(true);
    expect(metadata2.remainingItemCount).toBe(1);

    const page3 = await getJson(`/api/v1/pods?limit=2&continue=${metadata2.continue}`);
    expect(page3.json.metadata).toEqual({ resourceVersion: listRv });
    expect((page3.json.items as Json[]).map((item) => (item.metadata as Json).name)).toEqual(['echo-c']);

    // A namespaced list's continue key is relative to the namespace; a list without limit is one page.
    const namespaced = await getJson('/api/v1/namespaces/wire-demo/pods?limit=1');
    expect(decodeContinue((namespaced.json.metadata as Json).continue as string)).toMatchObject({ start: 'echo-a\u0000' });
    expect((namespaced.json.metadata as Json).remainingItemCount).toBe(1);
    const everything = await getJson('/api/v1/pods');
    expect(everything.json.metadata).toEqual({ resourceVersion: String(api.resourceVersion) });
    expect((everything.json.items as Json[]).map((item) => (item.metadata as Json).name)).toEqual(['web-1', 'dns', 'echo-a', 'echo-b', 'created-while-paging']);
  });

  it('answers a continue token older than the last compaction with 410 Expired', async () => {
    await start();
    for (let i = 0; i < 3; i++) api.apply(pod('default', `p${i}`));
    const page1 = await getJson('/api/v1/pods?limit=1');
    api.apply(pod('default', 'p9'));
    api.compact();
    const expired = await getJson(`/api/v1/pods?limit=1&continue=${(page1.json.metadata as Json).continue as string}`);
    expect(expired.status).toBe(410);
    expect(expired.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: { continue: expect.any(String) },
      status: 'Failure',
      message: expect.stringMatching(/^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter/),
      reason: 'Expired',
      code: 410,
    });
  });

  it('replays a watch from a resourceVersion, then live events, with bookmarks, and ends at timeoutSeconds', async () => {
    await start({ bookmarkIntervalMs: 50 });
    api.apply(pod('wire-demo', 'echo-a'));
    api.apply(pod('other', 'elsewhere'));
    const fromRv = api.resourceVersion;
    api.apply(pod('wire-demo', 'echo-b'));
    api.apply(pod('wire-demo', 'echo-a', { app: 'echo', tier: 'web' }));
    api.delete('Pod', 'wire-demo', 'echo-b');
    api.apply(pod('other', 'elsewhere-2')); // another namespace: not in this watch

    const watch = openWatch(`/api/v1/namespaces/wire-demo/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${fromRv}&timeoutSeconds=2`);
    await watch.until(() => watch.lines.length >= 3);
    expect(watch.status()).toBe(200);
    const events = (lines: Json[]) => lines.filter((line) => line.type !== 'BOOKMARK').map((line) => [line.type, ((line.object as Json).metadata as Json).name, Number(((line.object as Json).metadata as Json).resourceVersion)]);
    expect(events(watch.lines)).toEqual([
      ['ADDED', 'echo-b', fromRv + 1],
      ['MODIFIED', 'echo-a', fromRv + 2],
      ['DELETED', 'echo-b', fromRv + 3],
    ]);
    const modified = watch.lines[1].object as Json;
    expect(Object.keys(modified)).toEqual(['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    expect(modified).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { labels: { app: 'echo', tier: 'web' } } });
    expect((modified.metadata as Json).uid).toBe((api.get('Pod', 'wire-demo', 'echo-a')?.metadata as Json).uid);

    api.apply(pod('wire-demo', 'echo-live'));
    await watch.until(() => watch.lines.some((line) => line.type === 'ADDED' && ((line.object as Json).metadata as Json).name === 'echo-live'));
    await watch.until(() => watch.lines.filter((line) => line.type === 'BOOKMARK').length >= 2);
    const bookmark = watch.lines.findLast((line) => line.type === 'BOOKMARK')!;
    expect(bookmark).toEqual({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(api.resourceVersion), creationTimestamp: null } } });

    await watch.ended; // timeoutSeconds=2: the server ends the stream cleanly
    expect(watch.unparsed()).toBe('');
  });

  it('starts a watch without resourceVersion with an ADDED for every current object, and without bookmarks unless asked', async () => {
    await start({ bookmarkIntervalMs: 20 });
    api.apply(pod('b', 'two'));
    api.apply(pod('a', 'one'));
    const watch = openWatch('/api/v1/pods?watch=true&timeoutSeconds=1');
    await watch.ended;
    expect(watch.lines.map((line) => [line.type, ((line.object as Json).metadata as Json).name])).toEqual([['ADDED', 'one'], ['ADDED', 'two']]);
  });

  it('answers a watch from a compacted resourceVersion with HTTP 200, one ERROR 410 line, and the end', async () => {
    await start();
    api.apply(pod('default', 'p1'));
    const oldRv = api.resourceVersion;
    api.apply(pod('default', 'p2'));
    api.compact();
    const reply = await get(`/api/v1/pods?watch=1&resourceVersion=${oldRv}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.body).toBe(`{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: ${oldRv} (${api.resourceVersion})","reason":"Expired","code":410}}\n`);
  });

  it('drops open watches mid-stream on dropWatches()', async () => {
    await start();
    const watch = openWatch('/api/v1/pods?watch=1&resourceVersion=1');
    await watch.until(() => watch.status() === 200);
    api.dropWatches();
    await expect(watch.ended).rejects.toThrow(/dropped mid-stream/);
  });

  it('answers 401 without a valid credential, with the Status of error-401-unauthorized.json', async () => {
    await start();
    const unauthorized = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
    const anonymous = await get('/api/v1/pods', {});
    expect([anonymous.status, JSON.parse(anonymous.body)]).toEqual([401, unauthorized]);
    const badToken = await get('/apis', { headers: { authorization: 'Bearer nope' } });
    expect([badToken.status, JSON.parse(badToken.body)]).toEqual([401, unauthorized]);
    const stranger = await makeTestPki(); // a client certificate from a CA the server does not trust
    try {
      const foreign = await stranger.clientCert('mallory');
      expect((await get('/api/v1/pods', { cert: foreign.cert, key: foreign.key })).status).toBe(401);
    } finally {
      stranger.remove();
    }
    expect(api.requests.map((r) => [r.status, r.user])).toEqual([[401, undefined], [401, undefined], [401, undefined]]);
  });

  it('authenticates by bearer token and by client certificate, and records the user and verb of every request', async () => {
    await start();
    expect((await get('/api/v1/namespaces/default/pods', { headers: { authorization: 'Bearer token-of-jane' } })).status).toBe(200);
    expect((await get('/api/v1/namespaces/default/pods', { cert: alice.cert, key: alice.key })).status).toBe(200);
    expect((await get('/apis/apps/v1/deployments?watch=1&timeoutSeconds=1', { cert: alice.cert, key: alice.key })).status).toBe(200);
    expect(api.requests).toEqual([
      { method: 'GET', path: '/api/v1/namespaces/default/pods', query: {}, user: 'jane', status: 200, verb: 'list', group: '', resource: 'pods', namespace: 'default', listResourceVersion: 1 },
      { method: 'GET', path: '/api/v1/namespaces/default/pods', query: {}, user: 'alice', status: 200, verb: 'list', group: '', resource: 'pods', namespace: 'default', listResourceVersion: 1 },
      { method: 'GET', path: '/apis/apps/v1/deployments', query: { watch: '1', timeoutSeconds: '1' }, user: 'alice', status: 200, verb: 'watch', group: 'apps', resource: 'deployments' },
    ]);
  });

  it('refuses a TLS handshake from a client that trusts another CA', async () => {
    await start();
    await expect(get('/version', { ca: pki.otherCa.cert })).rejects.toThrow(/self-signed|unable to verify|certificate/i);
  });

  it('answers 403 after forbid(), with the Status of error-403-forbidden.json', async () => {
    await start();
    api.forbid('jane', 'networkpolicies', 'networking.k8s.io');
    api.forbid('jane', 'pods', '');
    const clusterWide = await get('/apis/networking.k8s.io/v1/networkpolicies');
    expect(clusterWide.status).toBe(403);
    expect(JSON.parse(clusterWide.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'networkpolicies.networking.k8s.io is forbidden: User "jane" cannot list resource "networkpolicies" in API group "networking.k8s.io" at the cluster scope',
      reason: 'Forbidden',
      details: { group: 'networking.k8s.io', kind: 'networkpolicies' },
      code: 403,
    });
    const coreWatch = JSON.parse((await get('/api/v1/namespaces/shop/pods?watch=1')).body) as Json;
    expect(coreWatch.message).toBe('pods is forbidden: User "jane" cannot watch resource "pods" in API group "" in the namespace "shop"');
    expect(coreWatch.details).toEqual({ kind: 'pods' });
    // Only jane, only those resources.
    expect((await get('/apis/networking.k8s.io/v1/networkpolicies', { cert: alice.cert, key: alice.key })).status).toBe(200);
    expect((await get('/apis/networking.k8s.io/v1/ingresses')).status).toBe(200);
  });

  it('serves secrets (Strata must never ask; the double would answer)', async () => {
    await start();
    api.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', data: { password: 'aHVudGVyMg==' } });
    const secrets = await getJson('/api/v1/namespaces/shop/secrets');
    expect(secrets.json).toMatchObject({ kind: 'SecretList', apiVersion: 'v1', items: [{ metadata: { name: 'db' }, type: 'Opaque' }] });
    expect(api.requests.at(-1)).toMatchObject({ verb: 'list', resource: 'secrets', namespace: 'shop' });
  });

  it('answers writes with 405 and records their verbs', async () => {
    await start();
    const send = (method: string, path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${api.url}${path}`, { method, ca: pki.ca.cert, headers: { authorization: 'Bearer token-of-jane', 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(method === 'DELETE' ? undefined : '{}');
      });
    expect(await send('POST', '/api/v1/namespaces/default/pods')).toBe(405);
    expect(await send('PUT', '/api/v1/namespaces/default/pods/p')).toBe(405);
    expect(await send('PATCH', '/apis/apps/v1/namespaces/default/deployments/d')).toBe(405);
    expect(await send('DELETE', '/api/v1/namespaces/default/pods/p')).toBe(405);
    expect(await send('DELETE', '/api/v1/namespaces/default/pods')).toBe(405);
    expect(api.requests.map((r) => [r.verb, r.status])).toEqual([['create', 405], ['update', 405], ['patch', 405], ['delete', 405], ['deletecollection', 405]]);
  });

  it('keeps what it sent immutable, keeps uid and creationTimestamp across updates, and filters by labelSelector', async () => {
    await start();
    const first = api.apply(pod('default', 'p', { app: 'a' }));
    const returned = api.apply({ ...pod('default', 'p', { app: 'b' }), metadata: { name: 'p', namespace: 'default', labels: { app: 'b' } } });
    expect((returned.metadata as Json).uid).toBe((first.metadata as Json).uid);
    expect((returned.metadata as Json).creationTimestamp).toBe((first.metadata as Json).creationTimestamp);
    ((returned.metadata as Json).labels as Json).app = 'mutated by the test';
    expect(((api.get('Pod', 'default', 'p')!.metadata as Json).labels as Json).app).toBe('b');
    api.apply(pod('default', 'q', { app: 'a' }));
    const selected = await getJson('/api/v1/pods?labelSelector=app%3Da');
    expect((selected.json.items as Json[]).map((item) => (item.metadata as Json).name)).toEqual(['q']);
    expect(() => api.apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'default' } })).toThrow(/installGatewayApi/);
  });
});
