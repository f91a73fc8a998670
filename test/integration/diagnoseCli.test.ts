import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment, kube, namespace, node, pod, service } from '../../src/core/testing/manifests';
import { loadKubeconfig, locateKubeconfig } from '../../src/main/cluster/kubeconfig';
import { LiveClusterSource } from '../../src/main/cluster/LiveClusterSource';
import type { SourceUpdate } from '../../src/main/sources/TopologySource';
import { Recorder } from '../../src/main/store/Recorder';
import { RecordingStore } from '../../src/main/store/RecordingStore';
import type { ClusterProfile, Finding, FindingSpan } from '../../src/shared/diagnostics';
import type { KubeObject, ObjectChange } from '../../src/shared/kube';
import * as cluster from '../support/clusterObjects';
import { eventually, FAST, READ_VERBS, startTestCluster, type TestCluster } from '../support/liveCluster';
import { tempDir } from '../support/tempDir';

// `strata diagnose`, run as the built CLI (out/main/cli.js: `npx electron-vite build` first), in
// every source mode: the demo, a manifest folder, a live context on the Kubernetes API server
// DOUBLE (test/doubles; never a real cluster), and a recording at a moment and over a range.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'out/main/cli.js');
const SARIF_SCHEMA = join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface DiagnoseJson {
  findings: Finding[];
  profile: ClusterProfile;
  rules: number;
}

const scratch = tempDir();
afterAll(() => scratch.remove());

/** `node out/main/cli.js diagnose …`, with no kubeconfig of the machine's in reach. */
function diagnose(args: string[]): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the app first (npx electron-vite build).`);
  return new Promise((resolve, reject) => {
    const env = { ...process.env, KUBECONFIG: join(scratch.path, 'no-such-kubeconfig'), STRATA_DEBUG: '' };
    const child = spawn(process.execPath, [CLI, 'diagnose', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // A guard against a hang, not a speed check.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const json = <T = DiagnoseJson>(result: CliResult): T => {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
};

const iso = (t: number) => new Date(t).toISOString();

/**
 * The SARIF 2.1.0 schema (draft-04, as published) checked with Ajv 8, which speaks draft-07: the two
 * differ here only in `id`/`$schema`. The schema's language pattern has a stray `]`, which only a
 * non-unicode RegExp (as draft-04 validators use) accepts.
 */
function sarifValidator() {
  const { $schema: _draft, id, ...schema } = JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as { $schema: string; id: string } & Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///base/') && !/[\s\\]/.test(s));
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
  return ajv.compile({ ...schema, $id: id });
}

describe('strata diagnose --demo', () => {
  it('lists findings with evidence and fixes, and exits by --fail-on', async () => {
    const text = await diagnose(['--demo']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^CNI: /m);
    expect(text.stdout).toMatch(/^\d+ findings?: \d+ errors?, \d+ warnings?, \d+ info$/m);
    expect(text.stdout).toMatch(/^ERROR [a-z.-]+: /m);
    expect(text.stdout).toMatch(/^ {4}fix: /m);

    const failing = await diagnose(['--demo', '--fail-on', 'error']);
    expect([failing.code, failing.stdout]).toEqual([4, text.stdout]);
    expect((await diagnose(['--demo', '--fail-on', 'never'])).code).toBe(0);
  });

  it('prints JSON: the findings, the profile and the number of rules', async () => {
    const result = await diagnose(['--demo', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const out = json(result);
    expect(Object.keys(out)).toEqual(['findings', 'profile', 'rules']);
    expect(out.rules).toBeGreaterThan(10);
    expect(out.findings.some((f) => f.severity === 'error')).toBe(true);
    for (const f of out.findings) {
      expect(f).toEqual(expect.objectContaining({ rule: expect.any(String), key: expect.any(String), message: expect.any(String), hint: expect.any(String) }));
      expect(f.objects.length).toBeGreaterThan(0);
    }
    expect(out.profile).toEqual(expect.objectContaining({ cni: expect.any(Array), unmodelledPolicies: expect.any(Array) }));
  });
});

describe('the demo’s findings', () => {
  it('are exactly its planted faults above info: the clean parts give none', async () => {
    const out = json(await diagnose(['--demo', '-o', 'json']));
    const aboveInfo = out.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.rule} ${f.objects[0]}`);
    expect(aboveInfo.sort()).toEqual(
      [
        // resources/demo/README.md lists these.
        'error ing.backend.service-missing Ingress/shop/legacy',
        'error rt.parent.not-attachable HTTPRoute/shop/promo',
        'error svc.selector.no-pods Service/shop/recommendations',
        'error np.blocks-path Service/shop/cart',
        'error np.blocks-path Service/shop/catalog',
        'error np.egress.no-dns Deployment/payments/payments-api',
        'warning np.selects-nothing NetworkPolicy/payments/allow-checkout',
        'warning svc.partial-ready Service/shop/cart',
        'warning po.not-ready-behind-svc Service/shop/cart',
      ].sort(),
    );
    expect(out.profile.cni.map((c) => [c.name, c.enforcesNetworkPolicy])).toEqual([['Cilium', true]]);
  });
});

describe('strata diagnose --manifests', () => {
  const SERVICE_LINE = 14;
  const manifests = tempDir({
    'app/cart.yaml': `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {containers: [{name: cart, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  selector: {app: carts}
  ports: [{port: 80, targetPort: http}]
`,
  });
  afterAll(() => manifests.remove());

  it('names the broken selector in text and JSON, and fails on it when asked', async () => {
    const text = await diagnose(['--manifests', manifests.path]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ERROR svc\.selector\.no-pods: .*Service shop\/cart/m);
    const out = json(await diagnose(['--manifests', manifests.path, '-o', 'json']));
    const finding = out.findings.find((f) => f.rule === 'svc.selector.no-pods');
    expect(finding).toMatchObject({ severity: 'error', objects: expect.arrayContaining(['Service/shop/cart']) });
    expect(finding!.objects[0]).toBe('Service/shop/cart');
    expect((await diagnose(['--manifests', manifests.path, '--fail-on', 'warning'])).code).toBe(4);
  });

  it('writes SARIF 2.1.0 that validates against the schema, with the file and line of the Service', async () => {
    const result = await diagnose(['--manifests', manifests.path, '-o', 'sarif']);
    expect(result.code, result.stderr).toBe(0);
    const sarif = json<{ version: string; runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: Record<string, unknown>[] }[] }>(result);
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('strata');
    const result0 = run.results.find((r) => r.ruleId === 'svc.selector.no-pods') as { ruleIndex: number; level: string; locations: { physicalLocation: unknown; logicalLocations: unknown }[] };
    expect(result0).toBeDefined();
    expect(run.tool.driver.rules[result0.ruleIndex].id).toBe('svc.selector.no-pods');
    expect(result0.level).toBe('error');
    // Relative to where strata ran (the repository root in CI), so code scanning finds the file.
    expect(result0.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: relative(ROOT, join(manifests.path, 'app/cart.yaml')) }, region: { startLine: SERVICE_LINE } });
    expect(result0.locations[0].logicalLocations).toEqual([{ fullyQualifiedName: 'Service/shop/cart', kind: 'resource' }]);
    expect(readFileSync(join(manifests.path, 'app/cart.yaml'), 'utf8').split('\n')[SERVICE_LINE - 1]).toBe('apiVersion: v1');
    expect(readFileSync(join(manifests.path, 'app/cart.yaml'), 'utf8').split('\n')[SERVICE_LINE]).toBe('kind: Service');
  });
});

describe('strata diagnose on a live context (the Kubernetes API server double)', () => {
  let api: TestCluster;
  const calicoPolicy = (name: string) => ({
    apiVersion: 'crd.projectcalico.org/v1',
    kind: 'NetworkPolicy',
    // The same namespace/name as the Kubernetes NetworkPolicy of echoCluster(): they must never stand for each other.
    metadata: { name, namespace: 'wire-demo' },
    spec: { selector: "app == 'echo'", types: ['Ingress'], ingress: [{ action: 'Deny', source: { nets: ['203.0.113.0/24'] } }] },
  });

  beforeAll(async () => {
    api = await startTestCluster({ objects: cluster.echoCluster() });
    api.api.installCrds('calico');
    api.api.apply(cluster.service('wire-demo', 'orphan', 'nothing-has-this-label'));
    api.api.apply(calicoPolicy('allow-from-ingress'));
  });
  afterAll(async () => {
    // Read-only, and never a Secret or a ConfigMap.
    expect(api.api.requests.filter((r) => !READ_VERBS.has(r.verb))).toEqual([]);
    expect(api.api.requests.filter((r) => r.resource === 'secrets' || r.resource === 'configmaps')).toEqual([]);
    await api.close();
  });

  it('finds the Service whose selector matches nothing, and counts the Calico NetworkPolicy in the profile', async () => {
    const result = await diagnose(['--kubeconfig', api.kubeconfig, '--context', 'alice', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const out = json(result);
    expect(out.findings.filter((f) => f.rule === 'svc.selector.no-pods').map((f) => f.objects[0])).toEqual(['Service/wire-demo/orphan']);
    expect(out.profile.unmodelledPolicies).toEqual([{ kind: 'Calico NetworkPolicy', count: 1 }]);
    expect(api.api.requests.some((r) => r.group === 'crd.projectcalico.org' && r.resource === 'networkpolicies' && r.verb === 'list')).toBe(true);
    // Not installed, so never asked for.
    expect(api.api.requests.some((r) => r.group === 'cilium.io' || r.group === 'crd.antrea.io')).toBe(false);

    const failing = await diagnose(['--kubeconfig', api.kubeconfig, '--context', 'jane', '--fail-on', 'error']);
    expect(failing.code, failing.stderr).toBe(4);
    expect(failing.stdout).toMatch(/^Not modelled: 1 Calico NetworkPolicy$/m);
    expect(failing.stdout).toMatch(/^ERROR svc\.selector\.no-pods: .*wire-demo\/orphan/m);
  });

  it('says which kind RBAC hides, and exits 3 for the partial picture', async () => {
    api.api.forbid('jane', 'networkpolicies', 'crd.projectcalico.org');
    const result = await diagnose(['--kubeconfig', api.kubeconfig, '--context', 'jane', '-o', 'json']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('RBAC forbids list and watch on networkpolicies.crd.projectcalico.org for user "jane", so Calico NetworkPolicy objects are not counted');
    expect(json(result).profile.unmodelledPolicies).toEqual([]);
  });
});

describe('live watching of the kinds diagnose reads (LiveClusterSource on the API server double)', () => {
  let api: TestCluster;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    api = await startTestCluster({ objects: cluster.echoCluster(), gatewayApi: true });
  });
  afterAll(async () => {
    for (const stop of stops.splice(0)) await stop();
    await api.close();
  });

  async function watch(context: string) {
    const changes: ObjectChange[] = [];
    let last: SourceUpdate | undefined;
    const source = new LiveClusterSource({ ...FAST, kubeconfig: loadKubeconfig(locateKubeconfig(api.kubeconfig)), context, onChanges: (c) => changes.push(...c) });
    await source.start((update) => (last = { ...last, ...update }));
    stops.push(() => source.stop());
    await eventually(() => last?.sync === 'synced', `context ${context} to sync (last: ${last?.message})`);
    const objects = () => source.currentObjects();
    // What `strata record` counts on its progress line, without listing them.
    expect(source.objectCount()).toBe(objects().length);
    const find = (predicate: (o: KubeObject) => boolean) => objects().filter(predicate);
    return { source, changes, objects, find, notices: () => last?.notices ?? [] };
  }

  it('keeps a Calico NetworkPolicy apart from the Kubernetes NetworkPolicy of the same namespace and name', async () => {
    const live = await watch('alice');
    api.api.installCrds('calico', 'cilium');
    api.api.apply({ apiVersion: 'crd.projectcalico.org/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-from-ingress', namespace: 'wire-demo' }, spec: { selector: 'all()' } });
    api.api.apply({ apiVersion: 'crd.projectcalico.org/v1', kind: 'GlobalNetworkPolicy', metadata: { name: 'default-deny' }, spec: { selector: 'all()' } });
    api.api.apply({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'host-fw' }, spec: { nodeSelector: {} } });
    await eventually(() => live.find((o) => o.kind === 'UnmodelledPolicy').length === 3, 'the CNI policies');

    // A CNI's policy carries its kind in its name, so the two never share an id.
    const named = (o: KubeObject) => o.metadata.namespace === 'wire-demo' && o.metadata.name.endsWith('allow-from-ingress');
    expect(live.find(named).map((o) => [o.kind, o.apiVersion])).toEqual(
      expect.arrayContaining([
        ['NetworkPolicy', 'networking.k8s.io/v1'],
        ['UnmodelledPolicy', 'crd.projectcalico.org/v1'],
      ]),
    );
    expect(live.find((o) => o.kind === 'UnmodelledPolicy').map((o) => [o.kind === 'UnmodelledPolicy' && o.policyKind, o.metadata.namespace ?? null, o.metadata.name]).sort()).toEqual([
      ['Calico GlobalNetworkPolicy', null, 'CalicoGlobalNetworkPolicy:default-deny'],
      ['Calico NetworkPolicy', 'wire-demo', 'CalicoNetworkPolicy:allow-from-ingress'],
      ['CiliumClusterwideNetworkPolicy', null, 'CiliumClusterwideNetworkPolicy:host-fw'],
    ]);
    const keys = live.changes.filter((c) => named(c.object)).map((c) => `${c.type} ${c.key}`);
    expect(keys).toEqual(expect.arrayContaining(['added networkpolicies.networking.k8s.io:wire-demo/allow-from-ingress', 'added networkpolicies.crd.projectcalico.org:wire-demo/CalicoNetworkPolicy:allow-from-ingress']));

    // Deleting Calico's leaves Kubernetes' in place, and the other way round.
    api.api.delete('NetworkPolicy', 'wire-demo', 'allow-from-ingress', 'crd.projectcalico.org/v1');
    await eventually(() => live.changes.some((c) => c.type === 'deleted' && c.key === 'networkpolicies.crd.projectcalico.org:wire-demo/CalicoNetworkPolicy:allow-from-ingress'), 'the Calico policy to go');
    expect(live.find(named).map((o) => o.kind)).toEqual(['NetworkPolicy']);
    api.api.apply({ apiVersion: 'crd.projectcalico.org/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-from-ingress', namespace: 'wire-demo' }, spec: { selector: 'all()' } });
    await eventually(() => live.find(named).length === 2, 'the Calico policy to come back');
    api.api.delete('NetworkPolicy', 'wire-demo', 'allow-from-ingress');
    await eventually(() => live.find(named).length === 1, 'the Kubernetes policy to go');
    expect(live.find(named).map((o) => o.kind)).toEqual(['UnmodelledPolicy']);
    api.api.apply(cluster.networkPolicy('wire-demo', 'allow-from-ingress'));
    await eventually(() => live.find(named).length === 2, 'the Kubernetes policy to come back');
  });

  it('watches GatewayClasses and ReferenceGrants (v1beta1) with the rest of Gateway API', async () => {
    api.api.apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'cilium' }, spec: { controllerName: 'io.cilium/gateway-controller' }, status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted' }] } });
    api.api.apply({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'from-shop', namespace: 'wire-demo' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service' }] } });
    const live = await watch('alice');
    await eventually(() => live.find((o) => o.kind === 'GatewayClass' || o.kind === 'ReferenceGrant').length === 2, 'the GatewayClass and the ReferenceGrant');
    expect(live.find((o) => o.kind === 'GatewayClass')).toMatchObject([{ metadata: { name: 'cilium' }, spec: { controllerName: 'io.cilium/gateway-controller' }, status: { conditions: [{ type: 'Accepted', status: 'True' }] } }]);
    expect(live.find((o) => o.kind === 'ReferenceGrant')).toMatchObject([{ apiVersion: 'gateway.networking.k8s.io/v1beta1', metadata: { namespace: 'wire-demo', name: 'from-shop' }, spec: { to: [{ group: '', kind: 'Service' }] } }]);
    expect(api.api.requests.some((r) => r.path === '/apis/gateway.networking.k8s.io/v1beta1/referencegrants' && r.verb === 'watch')).toBe(true);
    expect(api.api.requests.some((r) => r.path === '/apis/gateway.networking.k8s.io/v1/gatewayclasses' && r.verb === 'list')).toBe(true);
    expect(live.notices().some((n) => n.message.startsWith('Gateway API'))).toBe(false);
  });

  it('names a forbidden CNI policy kind in the notice, and keeps the rest', async () => {
    api.api.forbid('jane', 'ciliumclusterwidenetworkpolicies', 'cilium.io');
    const live = await watch('jane');
    await eventually(() => live.notices().some((n) => n.message.includes('ciliumclusterwidenetworkpolicies')), 'the RBAC notice');
    expect(live.notices().filter((n) => n.message.includes('RBAC'))).toEqual([
      {
        severity: 'warning',
        message: 'RBAC forbids list and watch on ciliumclusterwidenetworkpolicies.cilium.io for user "jane", so CiliumClusterwideNetworkPolicy objects are not counted; grant get, list and watch on it to see them.',
      },
    ]);
    expect(live.find((o) => o.kind === 'UnmodelledPolicy' && o.policyKind === 'Calico GlobalNetworkPolicy')).toHaveLength(1);
    expect(live.find((o) => o.kind === 'UnmodelledPolicy' && o.policyKind === 'CiliumClusterwideNetworkPolicy')).toEqual([]);
  });
});

describe('strata diagnose on a recording (--db with --at, or --from and --to)', () => {
  const t0 = Date.parse('2026-11-23T02:00:00Z');
  const broke = t0 + 5 * 60_000;
  const end = t0 + 10 * 60_000;
  const db = join(scratch.path, 'night.strata');
  const startingPod = kube({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' }, creationTimestamp: iso(end - 30_000) },
    spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'web:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: '10.244.0.20', podIPs: [{ ip: '10.244.0.20' }], conditions: [{ type: 'Ready', status: 'False' }] },
  });

  beforeAll(() => {
    const store = RecordingStore.open(db);
    let now = t0;
    const recorder = new Recorder(store, { context: 'prod', cluster: 'prod', server: 'https://10.0.0.1', namespaces: [] }, { now: () => now });
    recorder.start();
    const owner = { kind: 'ReplicaSet', name: 'cart-7f9c' };
    const healthy = [
      namespace('shop'),
      node('node-1'),
      kube(deployment('shop', 'cart', { app: 'cart' }, [{ name: 'http', containerPort: 8080 }])),
      pod('shop', 'cart-7f9c-a', { labels: { app: 'cart' }, ip: '10.244.0.11', node: 'node-1', owner, ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('shop', 'cart-7f9c-b', { labels: { app: 'cart' }, ip: '10.244.0.12', node: 'node-1', owner, ports: [{ name: 'http', containerPort: 8080 }] }),
      service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }),
      namespace('kube-system'),
      kube({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'cilium', namespace: 'kube-system' },
        spec: { selector: { matchLabels: { 'k8s-app': 'cilium' } }, template: { metadata: { labels: { 'k8s-app': 'cilium' } }, spec: { containers: [{ name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.16.1' }] } } },
      }),
    ];
    recorder.record(healthy.map((object) => ({ type: 'added' as const, key: '', object })));
    recorder.flush();
    now = broke;
    recorder.record([{ type: 'modified', key: '', object: service('shop', 'cart', { selector: { app: 'carts' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }) }]);
    recorder.flush();
    // A pod that is not Ready yet, 30 s old when the recording ends: still within its startup grace.
    now = end - 30_000;
    recorder.record([startingPod, service('shop', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] })].map((object) => ({ type: 'added' as const, key: '', object })));
    recorder.flush();
    now = end;
    recorder.stop();
    store.close();
  });

  const selectorFindings = (out: DiagnoseJson) => out.findings.filter((f) => f.rule === 'svc.selector.no-pods').map((f) => f.objects[0]);

  it('diagnoses the cluster as it was at --at', async () => {
    const before = await diagnose(['--db', db, '--at', iso(t0 + 60_000), '-o', 'json']);
    expect(before.code, before.stderr).toBe(0);
    expect(selectorFindings(json(before))).toEqual([]);
    const after = await diagnose(['--db', db, '--at', iso(broke + 60_000), '-o', 'json', '--fail-on', 'error']);
    expect(after.code, after.stderr).toBe(4);
    expect(selectorFindings(json(after))).toEqual(['Service/shop/cart']);
    // Without --at: the end of the recording.
    expect(selectorFindings(json(await diagnose(['--db', db, '-o', 'json'])))).toEqual(['Service/shop/cart']);
  });

  it('judges ages by the moment diagnosed (the end of the recording without --at), not by today', async () => {
    const unready = (out: DiagnoseJson) => out.findings.filter((f) => f.rule === 'po.not-ready-behind-svc').map((f) => f.objects[0]);
    // web-1 is 30 s old at the end of the recording, whatever today's date.
    expect(unready(json(await diagnose(['--db', db, '-o', 'json'])))).toEqual([]);
    expect(unready(json(await diagnose(['--db', db, '--at', iso(end), '-o', 'json'])))).toEqual([]);
    // Five minutes after the end the same state (nothing more was recorded) has a pod not Ready for 5.5 minutes.
    const later = await diagnose(['--db', db, '--at', iso(end + 5 * 60_000), '-o', 'json']);
    expect(later.stderr).toContain('is outside the recording');
    expect(unready(json(later))).toEqual(['Service/shop/web']);
  });

  it('with -n, reports that namespace\'s findings but reads the whole recording (the CNI in kube-system)', async () => {
    const all = json(await diagnose(['--db', db, '-o', 'json']));
    const result = await diagnose(['--db', db, '-n', 'shop', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const shop = json(result);
    expect(shop.profile.cni.map((c) => c.name)).toEqual(['Cilium']);
    expect(shop.profile).toEqual(all.profile);
    expect(shop.findings).toEqual(all.findings.filter((f) => f.objects[0].split('/').length < 3 || f.objects[0].split('/')[1] === 'shop'));
    const range = json<{ findings: FindingSpan[] }>(await diagnose(['--db', db, '-n', 'shop', '--from', iso(t0), '-o', 'json']));
    expect(range.findings.map((s) => s.finding.rule)).toContain('svc.selector.no-pods');
    expect(json<{ findings: FindingSpan[] }>(await diagnose(['--db', db, '-n', 'payments', '--from', iso(t0), '-o', 'json'])).findings).toEqual([]);
  });

  it('lists what appeared over --from … --to, with its time and the change that caused it', async () => {
    const text = await diagnose(['--db', db, '--from', iso(t0), '--to', iso(end)]);
    expect(text.code, text.stderr).toBe(0);
    const line = text.stdout.split('\n').find((l) => l.includes('svc.selector.no-pods'));
    expect(line).toMatch(new RegExp(`^${iso(broke).replace(/\./g, '\\.')} appeared error svc\\.selector\\.no-pods: .*shop/cart.* \\(when Service shop/cart's selector changed from .*cart.* to .*carts.*\\)$`));

    const range = await diagnose(['--db', db, '--from', iso(t0), '--to', iso(end), '-o', 'json', '--fail-on', 'error']);
    expect(range.code, range.stderr).toBe(4);
    const out = json<{ from: number; to: number; findings: FindingSpan[] }>(range);
    expect([out.from, out.to]).toEqual([t0, end]);
    const span = out.findings.find((s) => s.finding.rule === 'svc.selector.no-pods');
    expect(span).toMatchObject({ firstSeen: broke, finding: { objects: expect.arrayContaining(['Service/shop/cart']) } });
    expect(span!.presentAtStart).toBeFalsy();
    expect(span!.cleared).toBeUndefined();

    // A range before the selector broke: nothing appeared.
    const quiet = await diagnose(['--db', db, '--from', iso(t0), '--to', iso(broke - 60_000)]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).not.toContain('svc.selector.no-pods');
  });
});

describe('strata diagnose usage errors (exit 2)', () => {
  it.each([
    [['--demo', '-o', 'xml'], 'strata: Output format "xml" is not known; use -o txt, -o json or -o sarif.\n'],
    [['--demo', '--fail-on', 'critical'], 'strata: --fail-on critical is not known; use error, warning, info or never.\n'],
    [['--demo', '--from', '-1h'], 'strata: --from and --to go with --db: they pick a time range of a recording.\n'],
    [['--to', '-5m'], 'strata: --from and --to go with --db: they pick a time range of a recording.\n'],
  ])('diagnose %j', async (args, stderr) => {
    const result = await diagnose(args);
    expect(result).toEqual({ code: 2, stdout: '', stderr });
  });

  it('refuses --at with --from, and SARIF over a range', async () => {
    const db = join(scratch.path, 'usage.strata');
    RecordingStore.open(db).close();
    expect(await diagnose(['--db', db, '--at', '-5m', '--from', '-1h'])).toMatchObject({ code: 2, stderr: 'strata: Give either --at (one moment) or --from/--to (a range), not both.\n' });
    expect(await diagnose(['--db', db, '--from', '-1h', '-o', 'sarif'])).toMatchObject({ code: 2, stderr: 'strata: -o sarif reports the findings of one moment; use -o txt or -o json with --from and --to.\n' });
  });
});
