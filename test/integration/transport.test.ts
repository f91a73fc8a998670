import { afterEach, describe, expect, it, vi } from 'vitest';
import { request } from 'node:http';
import WebSocket from 'ws';
import type { ContractEvents, DiagnosticsReport, EventName, ServerMessage, TopologySnapshot, WhatIfPreview } from '../../src/shared/contract';
import type { PolicyOverlay, ReachResult } from '../../src/shared/model';
import type { SearchResult, ViewUpdate } from '../../src/shared/view';
import { StrataBackend } from '../../src/main/backend/StrataBackend';
import { MAX_MESSAGE_BYTES, startStrataServer, WEBSOCKET_PATH, type RunningServer } from '../../src/main/server/StrataServer';
import { DEMO_INCIDENT } from '../../src/main/demo/demoIncident';
import { DemoSource } from '../../src/main/sources/DemoSource';
import { ManifestDirectorySource } from '../../src/main/sources/ManifestDirectorySource';
import { tempDir } from '../support/tempDir';

const TOKEN = 'test-token-0123456789';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(backend: StrataBackend): Promise<RunningServer> {
  await backend.start();
  const server = await startStrataServer({ backend, rendererDir: '/nonexistent', token: TOKEN });
  cleanups.push(() => backend.stop(), () => server.close());
  return server;
}

/** A contract client over a real WebSocket, as the renderer's WebSocketApi speaks it. */
class Client {
  private nextId = 1;
  readonly messages: ServerMessage[] = [];
  private waiters: (() => void)[] = [];
  /** How the server closed this socket. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    // A socket the server closes may also report a reset while it was still sending; the close code is what counts.
    socket.on('error', () => {});
  }

  static async open(server: RunningServer, options: { token?: string; origin?: string; host?: string } = {}): Promise<Client> {
    const url = `${server.url.replace('http', 'ws').replace(/\/$/, '')}${WEBSOCKET_PATH}?token=${options.token ?? TOKEN}`;
    const headers: Record<string, string> = {};
    if (options.origin) headers.origin = options.origin;
    if (options.host) headers.host = options.host;
    const socket = new WebSocket(url, { headers });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
    const client = new Client(socket);
    cleanups.push(() => socket.close());
    return client;
  }

  async next(predicate: (m: ServerMessage) => boolean): Promise<ServerMessage> {
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) {
        this.messages.splice(this.messages.indexOf(found), 1);
        return found;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async request(name: string, params: unknown = {}): Promise<ServerMessage> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ type: 'request', id, name, params }));
    return this.next((m) => m.type === 'response' && m.id === id);
  }

  async event<E extends EventName>(name: E): Promise<ContractEvents[E]> {
    const message = await this.next((m) => m.type === 'event' && m.name === name);
    return (message as { payload: ContractEvents[E] }).payload;
  }
}

/** GET with a chosen Host header; fetch() will not send one that differs from the URL. */
function statusOf(url: string, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode);
    })
      .on('error', reject)
      .end();
  });
}

const resultOf = (message: ServerMessage) => {
  if (message.type !== 'response' || 'error' in message) throw new Error(`expected a result, got ${JSON.stringify(message)}`);
  return message.result as never;
};

describe('the contract over the serve-mode WebSocket', () => {
  it('answers session.get with the source, sync state and counts', async () => {
    const client = await Client.open(await serve(new StrataBackend(new DemoSource(), { now: () => new Date('2026-11-23T02:13:00Z') })));
    const status = resultOf(await client.request('session.get')) as ContractEvents['session.changed'];
    expect(status).toMatchObject({ source: { kind: 'demo' }, sync: 'loaded', updatedAt: '2026-11-23T02:13:00.000Z' });
    expect(status.counts.nodes).toBeGreaterThan(40);
  });

  it('answers topology.get with the whole topology and its revision', async () => {
    const client = await Client.open(await serve(new StrataBackend(new DemoSource())));
    const snapshot = resultOf(await client.request('topology.get')) as TopologySnapshot;
    // The first revision draws the demo; the next one (once its findings are judged) adds them.
    expect(snapshot.revision).toBeGreaterThanOrEqual(1);
    expect(snapshot.topology.nodes.some((n) => n.id === 'Ingress/shop/storefront')).toBe(true);
    expect(snapshot.topology.edges.some((e) => e.type === 'route-backend' && e.weight === 10)).toBe(true);
  });

  it('answers view.get with the projected view, then with deltas from the key the client sends; view.search finds folded objects', async () => {
    const client = await Client.open(await serve(new StrataBackend(new DemoSource())));
    const first = resultOf(await client.request('view.get', { spec: { level: 'cluster' } })) as ViewUpdate;
    if (!('view' in first)) throw new Error('the first answer must be a whole view');
    expect(first.view.level).toBe('cluster');
    expect(first.view.nodes.find((n) => n.id === 'Namespace/shop')?.aggregate).toMatchObject({ expanded: false });
    expect(first.view.nodes.some((n) => n.kind === 'Pod' && !n.foldedInto)).toBe(false);

    // Opening shop is answered as what changed since the view this client has.
    const opened = resultOf(await client.request('view.get', { spec: { level: 'cluster', expanded: ['Namespace/shop'] }, base: first.key })) as ViewUpdate;
    if (!('delta' in opened)) throw new Error('an answer to a known key must be a delta');
    expect(opened.base).toBe(first.key);
    expect(opened.delta.nodes.map((n) => n.id)).toContain('Service/shop/cart');
    expect(opened.delta.removedNodes).toEqual([]);
    // A key the backend does not know (another server, long ago) gets the whole view.
    expect('view' in (resultOf(await client.request('view.get', { spec: { level: 'cluster' }, base: 'unknown' })) as ViewUpdate)).toBe(true);

    const search = resultOf(await client.request('view.search', { query: 'app=cart' })) as SearchResult;
    expect(search.total).toBeGreaterThan(0);
    expect(search.hits[0].within[0]).toBe('Namespace/shop');
    expect(await client.request('view.get', { spec: { level: 'galaxy' } })).toMatchObject({ error: { message: 'view.get: spec.level must be auto, cluster, namespace, full, nodes' } });
    expect(await client.request('view.get', { spec: { level: 'cluster', expanded: 'Namespace/shop' } })).toMatchObject({ error: { message: 'view.get: spec.expanded must be a list of ids' } });
  });

  it('answers diagnostics.get with the findings, the profile and their history over the demo recording, and draws the findings on their nodes', async () => {
    const client = await Client.open(await serve(new StrataBackend(new DemoSource())));
    const report = resultOf(await client.request('diagnostics.get', {})) as DiagnosticsReport;
    const typo = report.findings.find((f) => f.rule === 'svc.selector.no-pods')!;
    expect(typo.objects[0]).toBe('Service/shop/recommendations');
    expect(report.profile.cni.map((c) => c.name)).toEqual(['Cilium']);
    expect(report.history?.find((s) => s.finding.key === typo.key)).toMatchObject({ presentAtStart: true });
    // The findings reach the topology's nodes once judged (a revision after the one drawn first).
    await vi.waitFor(
      async () => {
        const snapshot = resultOf(await client.request('topology.get', {})) as TopologySnapshot;
        expect(snapshot.topology.nodes.find((n) => n.id === 'Service/shop/recommendations')?.findings).toEqual([expect.objectContaining({ rule: 'svc.selector.no-pods', severity: 'error' })]);
      },
      { timeout: 30_000, interval: 50 },
    );
  });

  it('answers object.get with the stripped object and its related objects, and null for an unknown id', async () => {
    const client = await Client.open(await serve(new StrataBackend(new DemoSource())));
    const details = resultOf(await client.request('object.get', { id: 'Service/shop/cart' })) as NonNullable<Awaited<ReturnType<StrataBackend['handlers']['object.get']>>>;
    expect(details.node).toMatchObject({ kind: 'Service', name: 'cart', namespace: 'shop' });
    expect(details.object).toMatchObject({ kind: 'Service', spec: { selector: { app: 'cart' } } });
    expect(details.related.map((r) => [r.direction, r.edgeType, r.node.id])).toContainEqual(['in', 'ingress-backend', 'Ingress/shop/storefront']);
    expect(details.related.some((r) => r.direction === 'out' && r.edgeType === 'service-slice')).toBe(true);
    expect(resultOf(await client.request('object.get', { id: 'Service/shop/nope' }))).toBeNull();
  });

  it('answers policy.overlay, policy.reach and policy.whatIf for what is drawn, and refuses bad policy parameters', async () => {
    const client = await Client.open(await serve(new StrataBackend(new DemoSource())));
    const overlay = resultOf(await client.request('policy.overlay', { options: { ipBlockMatchesPods: false } })) as PolicyOverlay;
    expect(overlay.options).toEqual({ ipBlockMatchesPods: false, enforceEndPort: true });
    expect(overlay.policies.find((p) => p.id === 'NetworkPolicy/payments/default-deny')?.selects).toHaveLength(3);
    const reach = resultOf(await client.request('policy.reach', { query: { from: 'shop/checkout', to: 'payments/payments-api', port: 443 } })) as ReachResult;
    expect(reach.outcome).toBe('none');
    expect(reach.checks[0].verdict.ingress.policy).toBeUndefined();
    expect(reach.checks[0].verdict.ingress.explanation).toContain('NetworkPolicy/payments/default-deny');
    const preview = resultOf(await client.request('policy.whatIf', { yaml: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: lock, namespace: data}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n' })) as WhatIfPreview;
    expect(preview.policies).toEqual(['NetworkPolicy/data/lock']);
    expect(preview.changes.some((c) => c.destination === 'data/redis[StatefulSet]' && c.lost === 'All Connections')).toBe(true);
    const withFix = resultOf(await client.request('policy.reach', { query: { from: 'shop/checkout', to: 'payments/payments-api', port: 443 }, whatIf: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-checkout, namespace: payments}\nspec: {podSelector: {matchLabels: {app: payments-api}}, ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: checkout}}}]}]}\n' })) as ReachResult;
    expect(withFix.outcome).toBe('all');
    expect(await client.request('policy.reach', { query: { from: 'shop/checkout', to: 'payments/payments-api', protocol: 'foo' } })).toMatchObject({ error: { message: 'policy.reach: query.protocol must be TCP, UDP, SCTP, ICMPv4 or ICMPv6' } });
    expect(await client.request('policy.reach', { query: { from: 'shop/checkout' } })).toMatchObject({ error: { message: 'policy.reach: query.from and query.to are required' } });
    expect(await client.request('policy.reach', { query: { from: 'shop/nope', to: 'payments/payments-api' } })).toMatchObject({ error: { message: 'No pod or workload "shop/nope" in this cluster state (pods of a workload are looked up through their owner references)' } });
    expect(await client.request('policy.whatIf', { yaml: 'kind: [' })).toMatchObject({ error: { message: expect.stringMatching(/^the pasted policy:1: YAML error/) } });
    expect(await client.request('policy.overlay', { options: { enforceEndPort: 'yes' } })).toMatchObject({ error: { message: 'policy.overlay: options.ipBlockMatchesPods and options.enforceEndPort are true or false' } });
  });

  it('judges policies at the replayed moment: before the default-deny landed, checkout reached payments', async () => {
    const now = Date.parse('2026-11-23T02:30:00Z');
    const backend = new StrataBackend(new DemoSource(undefined, () => now));
    const client = await Client.open(await serve(backend));
    const query = { query: { from: 'shop/checkout', to: 'payments/payments-api', port: 443 } };
    expect((resultOf(await client.request('policy.reach', query)) as ReachResult).outcome).toBe('none');
    resultOf(await client.request('replay.seek', { t: now + (DEMO_INCIDENT.policyApplied - 1) * 60_000 }));
    const before = resultOf(await client.request('policy.reach', query)) as ReachResult;
    expect(before.outcome).toBe('all');
    expect(before.checks[0].verdict.ingress.explanation).toMatch(/^allowed: no NetworkPolicy selects pod payments\/payments-api-\S+ for ingress \(not isolated\)$/);
    // A minute after it landed, the forwarded traffic drawn from before disagrees, and the layer names the change.
    resultOf(await client.request('replay.seek', { t: now + (DEMO_INCIDENT.policyApplied + 1) * 60_000 }));
    const overlay = resultOf(await client.request('policy.overlay', {})) as PolicyOverlay;
    expect(Object.values(overlay.edges).map((e) => e.mismatch).filter(Boolean)).toContainEqual(expect.stringMatching(/^Hubble forwarded it while NetworkPolicies deny it now: a policy changed while this traffic was observed \(NetworkPolicy\/payments\/default-deny at /));
    resultOf(await client.request('replay.live'));
    expect((resultOf(await client.request('policy.reach', query)) as ReachResult).outcome).toBe('none');
  });

  it('refuses unknown requests and bad parameters with a sentence, and keeps the connection', async () => {
    const client = await Client.open(await serve(new StrataBackend(new DemoSource())));
    expect(await client.request('cluster.delete')).toMatchObject({ error: { message: 'unknown request "cluster.delete"' } });
    expect(await client.request('object.get', { id: 42 })).toMatchObject({ error: { message: 'object.get: parameter id must be a non-empty string' } });
    expect(resultOf(await client.request('session.get'))).toBeTruthy();
  });

  it('closes only the socket that sends a message over the size cap (1009), and keeps serving the others', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    cleanups.push(() => logged.mockRestore());
    const server = await serve(new StrataBackend(new DemoSource()));
    const [sender, bystander] = [await Client.open(server), await Client.open(server)];
    sender.socket.send(JSON.stringify({ type: 'request', id: 1, name: 'policy.whatIf', params: { yaml: 'x'.repeat(2 * MAX_MESSAGE_BYTES) } }));
    expect((await sender.closed).code).toBe(1009);
    expect(resultOf(await bystander.request('session.get'))).toMatchObject({ source: { kind: 'demo' } });
    expect(resultOf(await (await Client.open(server)).request('session.get'))).toMatchObject({ source: { kind: 'demo' } });
    expect(logged).toHaveBeenCalledWith('strata: closed a WebSocket client: Max payload size exceeded');
    expect(logged.mock.calls.flat().join('\n')).not.toContain(TOKEN);
  });

  it('closes only the socket that sends a message that is not JSON (1003), and keeps serving the others', async () => {
    const server = await serve(new StrataBackend(new DemoSource()));
    const [sender, bystander] = [await Client.open(server), await Client.open(server)];
    sender.socket.send('session.get, please');
    expect(await sender.closed).toEqual({ code: 1003, reason: 'messages must be JSON' });
    expect(resultOf(await bystander.request('session.get'))).toMatchObject({ source: { kind: 'demo' } });
  });

  it('pushes topology.changed and session.changed when the source changes', async () => {
    const dir = tempDir({ 'web.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{port: 80}]}\n' });
    cleanups.push(() => dir.remove());
    const client = await Client.open(await serve(new StrataBackend(new ManifestDirectorySource(dir.path))));
    const before = resultOf(await client.request('topology.get')) as TopologySnapshot;

    dir.write('nested/api.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {ports: [{port: 8080}]}\n');
    // The event carries the revision only; the client asks for what it draws.
    const changed = await client.event('topology.changed');
    expect(changed).toEqual({ revision: before.revision + 1 });
    const after = resultOf(await client.request('topology.get')) as TopologySnapshot;
    expect(after.topology.nodes.map((n) => n.id)).toContain('Service/shop/api');
    const session = await client.event('session.changed');
    expect(session).toMatchObject({ source: { kind: 'manifests', label: dir.path }, sync: 'loaded' });
    expect(session.counts.nodes).toBe(after.topology.nodes.length);
  });

  it('refuses a WebSocket without the token', async () => {
    const server = await serve(new StrataBackend(new DemoSource()));
    await expect(Client.open(server, { token: '' })).rejects.toThrow('HTTP 401');
    await expect(Client.open(server, { token: 'wrong-token-012345678' })).rejects.toThrow('HTTP 401');
  });

  it('refuses a WebSocket from a foreign Origin, even with the token', async () => {
    const server = await serve(new StrataBackend(new DemoSource()));
    await expect(Client.open(server, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    const own = new URL(server.url).origin;
    await expect(Client.open(server, { origin: own })).resolves.toBeInstanceOf(Client);
  });

  it('refuses requests whose Host is not its own (DNS rebinding)', async () => {
    const server = await serve(new StrataBackend(new DemoSource()));
    const port = new URL(server.url).port;
    await expect(Client.open(server, { host: `evil.example:${port}` })).rejects.toThrow('HTTP 403');
    expect(await statusOf(server.url, `evil.example:${port}`)).toBe(403);
    expect(await statusOf(server.url, `127.0.0.1:${port}`)).toBe(503); // allowed; this test server has no built UI
    await expect(Client.open(server, { host: `localhost:${port}` })).resolves.toBeInstanceOf(Client);
  });
});
