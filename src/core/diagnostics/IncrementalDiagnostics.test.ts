import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube';
import { idOf } from '../../shared/kube';
import { synthesizeOfflineState } from '../offline/synthesizeOfflineState';
import { TEST_NOW } from '../testing/diagnostics';
import { endpointSlice } from '../testing/endpoints';
import { deployment, kube, namespace, networkPolicy, node, pod, service } from '../testing/manifests';
import { applyStep, changeStep, clusterObject } from '../testing/randomCluster';
import { diagnose, IncrementalDiagnostics } from './IncrementalDiagnostics';

const clock = () => TEST_NOW;
const keys = (d: IncrementalDiagnostics) => d.findings().map((f) => JSON.stringify(f));

/** A small healthy cluster: every layer wired, policies that let the traffic through, DNS included. */
function healthyCluster(): KubeObject[] {
  const ds = (name: string, image: string, args: string[] = []) =>
    kube({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: 'kube-system' }, spec: { selector: { matchLabels: { 'k8s-app': name } }, template: { metadata: { labels: { 'k8s-app': name } }, spec: { containers: [{ name, image, args }] } } } });
  const manifests = [
    namespace('kube-system'),
    namespace('infra'),
    namespace('shop'),
    node('node-a', '192.168.0.11'),
    node('node-b', '192.168.0.12'),
    ds('calico-node', 'calico/node:v3.28.0'),
    ds('kube-proxy', 'kube-proxy:v1.31.0', ['--proxy-mode=ipvs']),
    kube({ ...deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' } as never, { name: 'dns-tcp', containerPort: 53 }]) }),
    kube({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system' }, spec: { clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' }, { name: 'dns-tcp', port: 53, targetPort: 'dns-tcp' }] } }),
    kube({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx' } }),
    kube(deployment('infra', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }, [{ name: 'http', containerPort: 80 }])),
    kube(deployment('shop', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8080 }])),
    kube({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { clusterIP: '10.96.1.1', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } }),
    kube({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec: { rules: [{ host: 'shop.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }] } }),
    networkPolicy('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    networkPolicy('shop', 'web', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'infra' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }], ports: [{ port: 'http' }] }],
      egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
    }),
  ];
  const placement = { 'Deployment/kube-system/coredns': [{ node: 'node-a' }, { node: 'node-b' }], 'Deployment/infra/ingress-nginx': [{ node: 'node-a' }, { node: 'node-b' }], 'Deployment/shop/web': [{ node: 'node-a' }, { node: 'node-b' }] };
  return [...synthesizeOfflineState(manifests, placement).objects];
}

describe('IncrementalDiagnostics', () => {
  it('finds nothing above info in a healthy cluster, and profiles it', () => {
    const { findings, profile } = diagnose({ objects: healthyCluster() }, { clock });
    expect(findings.filter((f) => f.severity !== 'info').map((f) => f.message)).toEqual([]);
    expect(profile.cni.map((c) => c.name)).toEqual(['Calico']);
    expect(profile.policyEnforcement).toBe('enforced');
    expect(profile.kubeProxy).toMatchObject({ state: 'running', mode: 'ipvs' });
    expect(profile.dns).toMatchObject({ provider: 'CoreDNS', service: 'kube-system/kube-dns', readyEndpoints: 2 });
  });

  it('after any sequence of changes gives the findings a check from scratch gives', () => {
    fc.assert(
      fc.property(fc.array(clusterObject, { maxLength: 25 }), fc.array(changeStep, { maxLength: 8 }), (initial, steps) => {
        const state = new Map<string, KubeObject>(initial.map((o) => [idOf(o), o]));
        const byChanges = new IncrementalDiagnostics({ clock });
        byChanges.update({ objects: [...state.values()] });
        // The same changes with their checks deferred, and only some of the waiting namespaces checked in between.
        const deferred = new IncrementalDiagnostics({ clock });
        deferred.update({ objects: [...state.values()] }, { defer: true });
        for (const [i, s] of steps.entries()) {
          const changes = applyStep(state, s);
          byChanges.apply(changes);
          deferred.checkWaiting(i % 3);
          deferred.apply(changes, { defer: true });
          const fresh = new IncrementalDiagnostics({ clock });
          fresh.update({ objects: [...state.values()] });
          expect(keys(byChanges)).toEqual(keys(fresh));
          expect(byChanges.profile()).toEqual(fresh.profile());
        }
        expect(keys(deferred)).toEqual(keys(byChanges));
        expect(deferred.waitingCount()).toBe(0);
        expect(deferred.profile()).toEqual(byChanges.profile());
      }),
      { numRuns: 150, seed: 20261130 },
    );
  });

  it('re-checks only the namespace a change is in, and the namespaces that read it', () => {
    const objects = healthyCluster();
    const diagnostics = new IncrementalDiagnostics({ clock });
    diagnostics.update({ objects });
    const web = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'web')!;
    const typo = { ...web, spec: { ...(web as { spec: object }).spec, selector: { app: 'wbe' } } } as KubeObject;
    expect([...diagnostics.apply([{ type: 'modified', key: idOf(web), object: typo }])]).toEqual(['shop']);
    expect(diagnostics.findings().map((f) => f.rule)).toContain('svc.selector.no-pods');
    // A policy change reaches every namespace whose rules asked the policy engine.
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'web')!;
    const rechecked = diagnostics.apply([{ type: 'deleted', key: idOf(policy), object: policy }]);
    expect(rechecked.has('shop')).toBe(true);
    expect(rechecked.has('kube-system')).toBe(false);
  });

  it('leaves the namespaces a deferred batch reaches waiting, keeping their last findings until each is checked', () => {
    const objects = healthyCluster();
    const diagnostics = new IncrementalDiagnostics({ clock });
    diagnostics.update({ objects }, { defer: true });
    expect(diagnostics.waitingCount()).toBeGreaterThanOrEqual(3);
    expect(diagnostics.checkedFindings()).toEqual([]);
    expect(diagnostics.checkWaiting()).toBe(0);
    const healthy = diagnostics.checkedFindings();
    // A selector typo in shop, and a Service in infra with no pods: two namespaces wait.
    const web = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'web')!;
    const typo = { ...web, spec: { ...(web as { spec: object }).spec, selector: { app: 'wbe' } } } as KubeObject;
    const lonely = service('infra', 'lonely', { selector: { app: 'nothing' }, ports: [{ port: 80 }] });
    const rechecked = diagnostics.apply([{ type: 'modified', key: idOf(web), object: typo }, { type: 'added', key: idOf(lonely), object: lonely }], { defer: true });
    expect([...rechecked].sort()).toEqual(['infra', 'shop']);
    expect(diagnostics.waitingCount()).toBe(2);
    expect(diagnostics.checkedFindings()).toBe(healthy);
    // One at a time, in the order they began to wait: shop's change came first.
    expect(diagnostics.checkWaiting(1)).toBe(1);
    const subjects = (d: IncrementalDiagnostics) => d.checkedFindings().filter((f) => f.rule === 'svc.selector.no-pods').map((f) => f.objects[0]);
    expect(subjects(diagnostics)).toEqual(['Service/shop/web']);
    // Asking for every finding checks what still waits.
    expect(diagnostics.findings().filter((f) => f.rule === 'svc.selector.no-pods').map((f) => f.objects[0]).sort()).toEqual(['Service/infra/lonely', 'Service/shop/web']);
    expect(diagnostics.waitingCount()).toBe(0);
  });

  it('judges rules that wait on the clock again as time passes, both ways (a replay seeks back too)', () => {
    const created = Date.parse('2026-11-23T02:00:00Z');
    const lb = kube({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', creationTimestamp: '2026-11-23T02:00:00Z' }, spec: { type: 'LoadBalancer', clusterIP: '10.96.0.1', ports: [{ port: 80 }] } });
    let now = created + 2 * 60_000;
    const diagnostics = new IncrementalDiagnostics({ clock: () => now });
    diagnostics.update({ objects: [namespace('shop'), lb] });
    const pending = () => diagnostics.findings().filter((f) => f.rule === 'svc.lb.pending').length;
    expect(pending()).toBe(0);
    now = created + 20 * 60_000;
    diagnostics.apply([]);
    expect(pending()).toBe(1);
    now = created + 60_000;
    diagnostics.apply([]);
    expect(pending()).toBe(0);
  });

  it('does not say a reference is missing in a namespace a scoped source does not see', () => {
    const route = kube({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web', namespace: 'shop' }, spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'api', namespace: 'backend', port: 80 }] }] } });
    const gateway = kube({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'other', namespace: 'shop' }, spec: { gatewayClassName: 'c', listeners: [] } });
    const objects = [namespace('shop'), namespace('infra'), namespace('backend'), route, gateway];
    const rules = (d: ReturnType<typeof diagnose>) => d.findings.map((f) => f.rule).filter((r) => r === 'rt.parent.missing' || r === 'rt.backend.missing');
    expect(rules(diagnose({ objects }, { clock })).sort()).toEqual(['rt.backend.missing', 'rt.parent.missing']);
    expect(rules(diagnose({ objects }, { clock, namespaces: ['shop'] }))).toEqual([]);
  });

  it('re-checks no namespace when a Node only reports its status, and the policy readers when its labels change', () => {
    const objects = healthyCluster();
    const diagnostics = new IncrementalDiagnostics({ clock });
    diagnostics.update({ objects });
    const nodeA = objects.find((o) => o.kind === 'Node' && o.metadata.name === 'node-a')!;
    const heartbeat = { ...nodeA } as KubeObject;
    expect([...diagnostics.apply([{ type: 'modified', key: idOf(nodeA), object: heartbeat }])]).toEqual([]);
    const relabelled = { ...nodeA, metadata: { ...nodeA.metadata, labels: { ...nodeA.metadata.labels, pool: 'edge' } } } as KubeObject;
    expect(diagnostics.apply([{ type: 'modified', key: idOf(nodeA), object: relabelled }]).has('shop')).toBe(true);
  });

  it('re-checks, for a CNI pod that turns not ready, only the namespaces with endpoints on its Node', () => {
    const agent = (nodeName: string, ready: boolean) => pod('kube-system', `calico-node-${nodeName}`, { node: nodeName, ready, owner: { kind: 'DaemonSet', name: 'calico-node' } });
    // The Ingress controller's Service, with its endpoint on node-a.
    const controller = [service('infra', 'ingress-nginx', { selector: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }), endpointSlice('infra', 'ingress-nginx-x1', 'ingress-nginx', [{ node: 'node-a', pod: 'ingress-nginx-1' }])];
    const objects = [...healthyCluster(), ...controller, node('node-c', '192.168.0.13'), agent('node-a', true), agent('node-c', true)];
    const diagnostics = new IncrementalDiagnostics({ clock });
    diagnostics.update({ objects });
    const flip = (nodeName: string) => {
      const next = agent(nodeName, false);
      return [...diagnostics.apply([{ type: 'modified', key: idOf(next), object: next }])].sort();
    };
    // node-c runs no endpoint: infra, whose Ingress controller runs on node-a and node-b, is not checked again.
    // (shop is, for its DNS policy admits pods of every namespace, kube-system's included.)
    expect(flip('node-c')).not.toContain('infra');
    // node-a runs endpoints of infra, shop and CoreDNS: their namespaces are checked again, and web's finding names the agent.
    expect(flip('node-a')).toEqual(expect.arrayContaining(['infra', 'kube-system', 'shop']));
    expect(diagnostics.findings().find((f) => f.rule === 'no.network-down-with-endpoints' && f.objects[0] === 'Service/shop/web')?.message).toContain('calico-node-node-a');
  });
});
