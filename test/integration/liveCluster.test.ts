import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigYaml } from '../doubles/kubeconfigFile';
import { echoCluster, gateway, httpRoute, pod, service } from '../support/clusterObjects';
import { eventually, liveBackend, READ_VERBS, startTestCluster, type TestCluster } from '../support/liveCluster';

// Every test here talks to the Kubernetes API server DOUBLE in test/doubles (real HTTPS, faithful
// list/watch semantics), never to a real cluster.
describe('live context against the Kubernetes API server double', () => {
  let cluster: TestCluster;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster({ objects: echoCluster() });
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });
  afterAll(async () => {
    // Strata is read-only and never touches Secrets or ConfigMaps: checked over every request of every test.
    const requests = cluster.api.requests;
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => !READ_VERBS.has(r.verb))).toEqual([]);
    expect(requests.filter((r) => r.resource === 'secrets' || r.resource === 'configmaps')).toEqual([]);
    await cluster.close();
  });

  async function connect(context = 'alice', extra: Parameters<typeof liveBackend>[2] = {}) {
    const live = liveBackend(cluster.kubeconfig, context, extra);
    await live.backend.start();
    stops.push(() => live.backend.stop());
    await eventually(() => live.status()?.sync === 'synced', `context ${context} to sync (last: ${live.status()?.message})`);
    return live;
  }

  const podRequests = (verb: string) => cluster.api.requests.filter((r) => r.resource === 'pods' && r.verb === verb);

  it('lists, then follows watch updates: added, changed and deleted pods', async () => {
    const live = await connect();
    expect(live.ids()).toContain('Pod/wire-demo/echo-5dd6d88bc9-1');
    expect(live.topology().edges.filter((e) => e.type === 'slice-endpoint')).toHaveLength(3);
    expect(live.status()).toMatchObject({ source: { kind: 'context', context: 'alice' }, sync: 'synced' });

    cluster.api.apply(pod('wire-demo', 'echo-new', { ip: '10.244.0.20' }));
    await eventually(() => live.ids().has('Pod/wire-demo/echo-new'), 'the new pod');
    cluster.api.apply(pod('wire-demo', 'echo-new', { ip: '10.244.0.20', ready: false }));
    await eventually(() => live.topology().nodes.find((n) => n.id === 'Pod/wire-demo/echo-new')?.facts.ready === false, 'the pod to turn not ready');
    cluster.api.delete('Pod', 'wire-demo', 'echo-new');
    await eventually(() => !live.ids().has('Pod/wire-demo/echo-new'), 'the pod to go');
  });

  it('resumes a dropped watch from its resourceVersion, losing and repeating nothing', async () => {
    const live = await connect();
    const listsBefore = podRequests('list').length;
    live.changes.length = 0;
    // The newest resourceVersion is one the pod watch has seen: that of a pod change Strata received.
    cluster.api.apply(pod('wire-demo', 'before-drop', { ip: '10.244.0.30' }));
    await eventually(() => live.changes.some((c) => c.key === 'wire-demo/before-drop'), 'the pod change before the drop');
    const rvAtDrop = cluster.api.resourceVersion;
    const watchesBefore = podRequests('watch').length;

    cluster.api.dropWatches();
    cluster.api.apply(pod('wire-demo', 'during-drop-1', { ip: '10.244.0.31' }));
    cluster.api.apply(pod('wire-demo', 'during-drop-2', { ip: '10.244.0.32' }));
    cluster.api.apply(pod('wire-demo', 'during-drop-1', { ip: '10.244.0.31', ready: false }));
    cluster.api.delete('Pod', 'wire-demo', 'during-drop-2');

    await eventually(() => live.changes.some((c) => c.key === 'wire-demo/during-drop-2' && c.type === 'deleted'), 'the deletion after the drop');
    // Nothing repeated: a change made after them all comes after them, and nothing of theirs comes again before it.
    cluster.api.apply(pod('wire-demo', 'after-drop', { ip: '10.244.0.33' }));
    await eventually(() => live.changes.some((c) => c.key === 'wire-demo/after-drop'), 'the pod change after the drop');
    const seen = live.changes.filter((c) => c.key.startsWith('wire-demo/during-drop')).map((c) => `${c.type} ${c.key}`);
    expect(seen).toEqual(['added wire-demo/during-drop-1', 'added wire-demo/during-drop-2', 'modified wire-demo/during-drop-1', 'deleted wire-demo/during-drop-2']);
    // Resumed by a watch from the last resourceVersion seen, not by listing again.
    expect(podRequests('list').length).toBe(listsBefore);
    expect(podRequests('watch')[watchesBefore].query.resourceVersion).toBe(String(rvAtDrop));
    await eventually(() => live.ids().has('Pod/wire-demo/after-drop'), 'the pod after the drop to be drawn');
    expect(live.ids()).toContain('Pod/wire-demo/during-drop-1');
    expect(live.ids()).not.toContain('Pod/wire-demo/during-drop-2');
    await eventually(() => live.status()?.sync === 'synced', 'synced again');
  });

  it('resumes a dropped watch from the resourceVersion its last bookmark carried', async () => {
    await connect();
    const listsBefore = podRequests('list').length;
    // A write to another kind moves the server's resourceVersion past every pod event: only a bookmark tells the pod watch.
    cluster.api.apply(service('wire-demo', 'bookmark-bump', 'none'));
    const bumped = cluster.api.resourceVersion;
    // Drop the watches once a bookmark carrying it has been written, until a resumed pod watch starts from it
    // (a drop can cut a bookmark in flight: then the next one carries it).
    await eventually(async () => {
      await eventually(() => cluster.api.bookmarkedRv('pods') >= bumped, 'a bookmark at the new resourceVersion');
      const watches = podRequests('watch').length;
      cluster.api.dropWatches();
      await eventually(() => podRequests('watch').length > watches, 'the pod watch to resume');
      return Number(podRequests('watch').at(-1)!.query.resourceVersion) >= bumped;
    }, 'a pod watch resumed from the bookmarked resourceVersion');
    expect(podRequests('list').length).toBe(listsBefore);
    cluster.api.delete('Service', 'wire-demo', 'bookmark-bump');
  });

  it('lists again after 410 Gone, and ends with the right state', async () => {
    const live = await connect();
    const listsBefore = podRequests('list').length;
    live.changes.length = 0;

    // The watch breaks, the cluster changes, and etcd compacts its history before Strata is back.
    cluster.api.dropWatches();
    cluster.api.apply(pod('wire-demo', 'after-compaction', { ip: '10.244.0.41' }));
    cluster.api.delete('Pod', 'wire-demo', 'echo-5dd6d88bc9-3');
    cluster.api.compact();

    // The EndpointSlice still names the deleted pod (the double runs no controller), so it stays as a missing placeholder.
    const observed = (id: string) => live.topology().nodes.some((n) => n.id === id && !n.missing);
    await eventually(() => observed('Pod/wire-demo/after-compaction') && !observed('Pod/wire-demo/echo-5dd6d88bc9-3'), 'the state after the re-list');
    expect(podRequests('list').length).toBeGreaterThan(listsBefore);
    // The re-list reports what it revealed as changes.
    expect(live.changes.map((c) => `${c.type} ${c.key}`)).toEqual(expect.arrayContaining(['added wire-demo/after-compaction', 'deleted wire-demo/echo-5dd6d88bc9-3']));
    await eventually(() => live.status()?.sync === 'synced', 'synced again');
    cluster.api.apply(pod('wire-demo', 'echo-5dd6d88bc9-3', { ip: '10.244.0.13' }));
  });

  it('hands over only Namespaces and Nodes while the first lists run: no EndpointSlice before the pods it points at', async () => {
    // The pods' list answers a second late, as a big cluster's does: every other kind is listed by then.
    const slowPods = cluster.api.faults.add((request) => (request.resource === 'pods' && request.verb === 'list' ? { kind: 'delay', ms: 1_000 } : undefined));
    stops.push(async () => slowPods());
    const live = await connect();
    const whileListingPods = live.updates.filter((u) => u.state && u.sync === 'connecting' && u.message?.startsWith('Listing pods'));
    // The namespaces are drawn meanwhile; everything else waits for the pods, with its changes.
    expect(whileListingPods.some((u) => u.state!.objects.some((o) => o.kind === 'Namespace'))).toBe(true);
    expect(new Set(whileListingPods.flatMap((u) => u.state!.objects.map((o) => o.kind)))).toEqual(new Set(['Namespace', 'Node']));
    expect(whileListingPods.flatMap((u) => (u.changes ?? []).filter((c) => c.object.kind !== 'Namespace' && c.object.kind !== 'Node'))).toEqual([]);
    const withSlices = live.updates.find((u) => u.state?.objects.some((o) => o.kind === 'EndpointSlice'))!;
    const serverPods = [...cluster.api.objectVersions().keys()].filter((key) => key.startsWith('Pod/'));
    expect(withSlices.state!.objects.filter((o) => o.kind === 'Pod')).toHaveLength(serverPods.length);
    expect(withSlices.changes!.filter((c) => c.object.kind === 'EndpointSlice').map((c) => c.key)).toContain('wire-demo/echo-abcde');
    // Drawn from those changes, the slice's endpoints are the pods: none missing.
    await eventually(() => live.topology().edges.filter((e) => e.type === 'slice-endpoint').length === 3, 'the slice to point at its three pods');
    expect(live.topology().nodes.filter((n) => n.kind === 'Pod' && n.missing)).toEqual([]);
  });

  it('hands over what is held back once firstListWaitMs has passed, pods listed or not', async () => {
    const slowPods = cluster.api.faults.add((request) => (request.resource === 'pods' && request.verb === 'list' ? { kind: 'delay', ms: 1_500 } : undefined));
    stops.push(async () => slowPods());
    const live = await connect('alice', { firstListWaitMs: 300 });
    const early = live.updates.findIndex((u) => u.state?.objects.some((o) => o.kind === 'EndpointSlice'));
    // Held back at first (the namespaces came alone), then handed over while the pods are still being listed.
    expect(live.updates.slice(0, early).some((u) => u.state?.objects.some((o) => o.kind === 'Namespace'))).toBe(true);
    expect(live.updates[early].changes?.some((c) => c.key === 'wire-demo/echo-abcde')).toBe(true);
    expect(live.updates[early].sync).toBe('connecting');
    expect(live.updates[early].message).toMatch(/^Listing pods/);
    expect(live.updates[early].state!.objects.some((o) => o.kind === 'Pod')).toBe(false);
  });

  it('shows a partial picture with a notice when RBAC forbids NetworkPolicies', async () => {
    cluster.api.forbid('jane', 'networkpolicies', 'networking.k8s.io');
    const live = await connect('jane');
    expect(live.ids()).toContain('Pod/wire-demo/echo-5dd6d88bc9-1');
    const notice = live.status()!.notices.find((n) => n.message.includes('networkpolicies.networking.k8s.io'));
    expect(notice).toMatchObject({ severity: 'warning' });
    expect(notice!.message).toBe(
      'RBAC forbids list and watch on networkpolicies.networking.k8s.io for user "jane", so NetworkPolicy objects are not shown; grant get, list and watch on it to see them.',
    );
    // alice is not affected.
    const other = await connect('alice');
    expect(other.status()!.notices.some((n) => n.message.includes('RBAC'))).toBe(false);
  });

  it('pages a list of 5,000 pods with limit and continue', async () => {
    cluster.api.applyAll(Array.from({ length: 5000 }, (_, i) => pod('bulk', `bulk-${String(i).padStart(4, '0')}`, { app: 'bulk', ip: `10.250.${i >> 8}.${i & 255}` })));
    const listsBefore = podRequests('list').length;
    const live = await connect();
    const pages = podRequests('list').slice(listsBefore);
    const podCount = live.topology().nodes.filter((n) => n.kind === 'Pod' && !n.missing).length;
    expect(podCount).toBeGreaterThan(5000);
    expect(pages).toHaveLength(Math.ceil(podCount / 500));
    expect(pages.every((r) => r.query.limit === '500')).toBe(true);
    expect(pages.slice(1).every((r) => !!r.query.continue)).toBe(true);
    expect(live.topology().nodes.filter((n) => n.kind === 'Pod' && n.namespace === 'bulk')).toHaveLength(5000);
  });

  it('starts watching Gateway API kinds when their CRDs appear while it runs', async () => {
    const live = await connect();
    expect(live.status()!.notices.map((n) => n.message)).toContain('Gateway API (gateway.networking.k8s.io/v1) is not installed; Gateways and routes appear as soon as it is.');
    expect(cluster.api.requests.some((r) => r.resource === 'gateways')).toBe(false);

    cluster.api.installGatewayApi();
    cluster.api.apply(service('wire-demo', 'web', 'echo'));
    cluster.api.apply(gateway('wire-demo', 'public'));
    cluster.api.apply(httpRoute('wire-demo', 'web', 'public', 'web'));
    await eventually(() => live.topology().edges.some((e) => e.type === 'gateway-route' && e.source === 'Gateway/wire-demo/public'), 'the Gateway and its route');
    expect(live.topology().edges.some((e) => e.type === 'route-backend' && e.target === 'Service/wire-demo/web')).toBe(true);
    expect(live.status()!.notices.some((n) => n.message.startsWith('Gateway API'))).toBe(false);
  });

  it('starts watching AdminNetworkPolicies when their CRDs appear, and the policy engine judges by them', async () => {
    cluster.api.apply(pod('anp-demo', 'guarded', { app: 'guarded', ip: '10.244.7.7' }));
    cluster.api.apply(pod('anp-demo', 'caller', { app: 'caller', ip: '10.244.7.8' }));
    const live = await connect();
    await eventually(() => live.ids().has('Pod/anp-demo/caller'), 'the pods');
    const query = { from: 'anp-demo/caller', to: 'anp-demo/guarded', port: 8080 };
    const before = await live.backend.handlers['policy.reach']({ query });
    expect(before.outcome, JSON.stringify(before)).toBe('all');

    cluster.api.installNetworkPolicyApi();
    cluster.api.apply({
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name: 'guard' },
      spec: { priority: 10, subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'guarded' } } } }, ingress: [{ name: 'no-callers', action: 'Deny', from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'caller' } } } }] }] },
    });
    const denied = await eventually(async () => {
      const result = await live.backend.handlers['policy.reach']({ query });
      return result.outcome === 'none' && result;
    }, 'the AdminNetworkPolicy to take effect');
    expect(denied.checks[0].verdict.ingress).toMatchObject({ tier: 'admin', policy: 'AdminNetworkPolicy/guard', rule: 'no-callers' });
    await eventually(() => cluster.api.requests.some((r) => r.resource === 'adminnetworkpolicies' && r.verb === 'watch'), 'a watch on adminnetworkpolicies');
  });

  it('authenticates with an exec credential plugin', async () => {
    const plugin = join(cluster.dir.path, 'fake-get-token');
    writeFileSync(plugin, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"token-of-jane"}}'\n`, { mode: 0o755 });
    const kubeconfig = join(cluster.dir.path, 'exec-config');
    writeFileSync(kubeconfig, kubeconfigYaml({ contexts: [{ name: 'eks', server: cluster.api.url, ca: cluster.pki.ca.cert, user: { exec: { command: plugin, args: ['eks', 'get-token'] } } }] }));
    const live = liveBackend(kubeconfig, 'eks');
    await live.backend.start();
    stops.push(() => live.backend.stop());
    await eventually(() => live.status()?.sync === 'synced', `the exec-authenticated context to sync (last: ${live.status()?.message})`);
    expect(cluster.api.requests.at(-1)?.user).toBe('jane');
  });

  it('scopes namespaced kinds to the chosen namespaces', async () => {
    const live = await connect('alice', { namespaces: ['wire-demo'] });
    expect([...live.ids()].some((id) => id.startsWith('Pod/bulk/'))).toBe(false);
    expect(live.ids()).toContain('Pod/wire-demo/echo-5dd6d88bc9-1');
    expect(live.ids()).toContain('Node/node-1');
    expect(cluster.api.requests.some((r) => r.resource === 'pods' && r.namespace === 'wire-demo')).toBe(true);
    expect(live.status()!.source).toMatchObject({ context: 'alice', namespaces: ['wire-demo'], label: 'alice (namespaces wire-demo)' });
  });
});
