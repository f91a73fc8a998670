import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePlacement } from '../../src/core/offline/parsePlacement';
import { synthesizeOfflineState } from '../../src/core/offline/synthesizeOfflineState';
import { PolicyEngine } from '../../src/core/policy/PolicyEngine';
import { reachPath } from '../../src/core/policy/reachPath';
import { networkPolicy, pod } from '../../src/core/testing/manifests';
import { readManifestDirectory } from '../../src/main/manifests/readManifestDirectory';
import { Recorder } from '../../src/main/store/Recorder';
import { RecordingStore } from '../../src/main/store/RecordingStore';
import { runCli } from '../support/runCli';
import { tempDir } from '../support/tempDir';

const DEMO = join(import.meta.dirname, '../../resources/demo');

async function demoState() {
  const manifests = await readManifestDirectory(join(DEMO, 'cluster'));
  return synthesizeOfflineState(manifests.objects, parsePlacement(await readFile(join(DEMO, 'placement.yaml'), 'utf8'))).objects;
}

const files = tempDir({
  'cluster/apps.yaml': `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, ports: [{name: http, containerPort: 9090}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
      ports: [{port: http}]
    - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
`,
  'deny-web-egress.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
    - ports: [{protocol: UDP, port: 53}]
`,
  'not-a-policy.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: shop}\nspec: {ports: [{port: 80}]}\n',
});
afterAll(() => files.remove());

describe('strata reach (CLI, on manifests)', () => {
  it('lists allowed connections per workload, with external ranges split at ipBlock boundaries, sorted', async () => {
    const result = await runCli(['reach', '--manifests', join(files.path, 'cluster')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('ipBlock matches pod IPs; endPort is enforced');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContain('10.0.0.0-10.0.255.255[External] => shop/api[Deployment] : All Connections');
    expect(lines).toContain('10.2.0.0-10.255.255.255[External] => shop/api[Deployment] : All Connections');
    expect(lines.some((l) => l.startsWith('10.1.0.0-10.1.255.255[External] => shop/api'))).toBe(false);
    expect(lines).toContain('shop/web[Deployment] => shop/api[Deployment] : TCP 9090');
    expect(lines).toContain('shop/api[Deployment] => shop/web[Deployment] : All Connections');
    expect(lines.filter((l) => l.includes('=> shop/web[Deployment]') && l.includes('[External]'))).toEqual(['0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections']);
    expect([...lines].sort()).toEqual(lines);
  });

  it('filters by --from, --to and --port, and writes json and csv', async () => {
    const json = await runCli(['reach', '--manifests', join(files.path, 'cluster'), '--from', 'shop/web', '--to', 'shop/api', '--port', '9090/TCP', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual([{ source: 'shop/web[Deployment]', destination: 'shop/api[Deployment]', connections: 'TCP 9090', ports: { TCP: [[9090, 9090]] } }]);
    const csv = await runCli(['reach', '--manifests', join(files.path, 'cluster'), '--to', 'shop/api', '--from', '10.0.0.1', '-o', 'csv']);
    expect(csv.stdout).toBe('source,destination,connections\n10.0.0.0-10.0.255.255[External],shop/api[Deployment],All Connections\n');
  });

  it('previews --with-policy without applying it: the list changes and the gained and lost ports are named', async () => {
    const result = await runCli(['reach', '--manifests', join(files.path, 'cluster'), '--with-policy', join(files.path, 'deny-web-egress.yaml'), '--from', 'shop/web']);
    expect(result.code).toBe(0);
    // web may now send only UDP 53, and api takes nothing on UDP 53 from web.
    expect(result.stdout).toBe('shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : UDP 53\n');
    expect(result.stderr).toContain('what-if with 1 policy from');
    expect(result.stderr).toContain('- shop/web[Deployment] => shop/api[Deployment] : TCP 9090');
    expect(result.stderr).toContain('- shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : TCP 1-65535, UDP 1-52,54-65535, SCTP 1-65535');
    const wrong = await runCli(['reach', '--manifests', join(files.path, 'cluster'), '--with-policy', join(files.path, 'not-a-policy.yaml')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('what-if takes NetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy objects only, not Service x');
    const bad = await runCli(['reach', '--manifests', join(files.path, 'cluster'), '--port', 'eighty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port "eighty" is not a port');
  });
});

describe('strata reach --explain (CLI, on manifests)', () => {
  it('answers in the what-if state, takes the list\'s own names, and refuses questions it cannot answer', async () => {
    const cluster = join(files.path, 'cluster');
    const explain = (...args: string[]) => runCli(['reach', '--manifests', cluster, '--explain', ...args]);
    const before = await explain('--from', 'shop/web[Deployment]', '--to', 'shop/api[Deployment]', '--port', '9090/TCP');
    expect(before.code).toBe(0);
    expect(before.stdout).toContain('Outcome: allowed');
    const after = await explain('--from', 'shop/web[Deployment]', '--to', 'shop/api[Deployment]', '--port', '9090/TCP', '--with-policy', join(files.path, 'deny-web-egress.yaml'));
    expect(after.stdout).toContain('egress:  denied: pod shop/web-');
    expect(after.stdout).toContain('Outcome: denied');
    expect(after.stderr).toContain('what-if with 1 policy from');
    // A protocol alone: each side lists the ports it allows.
    const protocolOnly = await explain('--from', 'shop/web', '--to', 'shop/api', '--port', 'TCP');
    expect(protocolOnly.stdout).toMatch(/ingress: no port given; pod shop\/api-\S+ allows TCP 9090 for pod shop\/web-/);
    const range = await explain('--from', 'shop/web', '--to', 'shop/api', '--port', '8000-8080/TCP');
    expect([range.code, range.stderr]).toEqual([2, 'strata: --explain takes one port (8443/TCP) or one protocol (UDP), not 8000-8080/TCP.\n']);
    expect((await explain('--from', 'shop/web', '--to', 'shop/api', '-o', 'csv')).stderr).toBe('strata: --explain prints txt or json, not csv.\n');
    const nothing = await runCli(['reach', '--manifests', cluster, '--from', 'shop/wbe']);
    expect([nothing.code, nothing.stdout]).toEqual([0, '']);
    expect(nothing.stderr).toContain('strata: note: nothing listed; check that --from and --to name a workload');
  });
});

describe('strata reach on a recording (--db --at)', () => {
  it('judges the policies in force at the moment asked for', async () => {
    const db = join(files.path, 'night.strata');
    const store = RecordingStore.open(db);
    const t0 = Date.parse('2026-11-23T02:00:00Z');
    let now = t0;
    const recorder = new Recorder(store, { context: 'prod', cluster: 'prod', server: 'https://10.0.0.1', namespaces: [] }, { now: () => now });
    recorder.start();
    recorder.record([pod('shop', 'web', { labels: { app: 'web' }, ip: '10.0.1.5' }), pod('shop', 'client', { labels: { app: 'client' }, ip: '10.0.1.9' })].map((object) => ({ type: 'added' as const, key: '', object })));
    recorder.flush();
    now = t0 + 5 * 60_000;
    recorder.record([{ type: 'added', key: '', object: networkPolicy('shop', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }) }]);
    recorder.stop();
    store.close();
    const at = (minutes: number) => runCli(['reach', '--db', db, '--at', new Date(t0 + minutes * 60_000).toISOString(), '--from', 'shop/client', '--to', 'shop/web']);
    expect((await at(2)).stdout).toBe('shop/client[Pod] => shop/web[Pod] : All Connections\n');
    expect((await at(6)).stdout).toBe('');
  });
});

describe('the demo cluster policies (a test double of a cluster: the bundled manifests)', () => {
  it('explains the payments default-deny: allow-checkout selects no pod, so checkout is denied on the targetPort; payments-api has no egress', async () => {
    const objects = await demoState();
    const engine = new PolicyEngine(objects);
    const fromCheckout = reachPath(engine, { from: 'shop/checkout', to: 'payments/payments-api', port: 443 });
    expect(fromCheckout.outcome).toBe('none');
    expect(fromCheckout.hops[0]).toBe('Service payments/payments-api port 443/TCP → targetPort https on 3 pods');
    expect(fromCheckout.checks.every((c) => c.port === 8443 && !c.verdict.allowed)).toBe(true);
    expect(fromCheckout.checks[0].verdict.egress.explanation).toMatch(/^allowed: no NetworkPolicy selects pod shop\/checkout-\S+ for egress \(not isolated\)$/);
    expect(fromCheckout.checks[0].verdict.ingress.explanation).toMatch(/^denied: pod payments\/payments-api-\S+ is isolated for ingress by NetworkPolicy\/payments\/default-deny, and no rule of them allows pod shop\/checkout-\S+ on TCP 8443$/);
    expect(engine.podsSelectedBy('NetworkPolicy/payments/allow-checkout')).toEqual([]);
    const toPostgres = reachPath(engine, { from: 'payments/payments-api', to: 'data/postgres', port: 5432 });
    expect(toPostgres.outcome).toBe('none');
    expect(toPostgres.checks[0].verdict.egress).toMatchObject({ allowed: false, tier: 'network-policy' });
    expect(toPostgres.checks[0].verdict.ingress).toMatchObject({ allowed: true, policy: 'NetworkPolicy/data/allow-apps-to-postgres' });
    // Elsewhere the policies do what they say: the frontend reaches the APIs on their named http port.
    expect(reachPath(engine, { from: 'shop/frontend', to: 'shop/checkout-canary', port: 8080 }).checks.map((c) => [c.port, c.verdict.allowed])).toContainEqual([8081, true]);
  });

  it('explains a path through the Ingress controller, from the CLI', async () => {
    const result = await runCli(['reach', '--demo', '--explain', '--from', '203.0.113.9', '--to', 'https://shop.example/api/cart', '-o', 'txt']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Ingress shop/storefront: shop.example /api/cart → Service cart port 80');
    expect(result.stdout).toMatch(/ALLOWED 203\.0\.113\.9 → pod infra\/ingress-nginx-controller-\S+ TCP 443 \(to ingress controller\)/);
    // The controller is let in to tier=web pods only: cart is an api pod, so this path is blocked (a demo gap).
    expect(result.stdout).toMatch(/DENIED {2}pod infra\/ingress-nginx-controller-\S+ → pod shop\/cart-\S+ TCP 8080 \(to backend\)/);
    expect(result.stdout).toContain('Outcome: denied');
  });
});
