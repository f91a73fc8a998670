import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { findingsOf, TEST_NOW } from '../../testing/diagnostics';
import { IncrementalDiagnostics } from '../IncrementalDiagnostics';
import { kube, namespace, networkPolicy, pod, service } from '../../testing/manifests';
import { referenceGrant, route } from '../../testing/gatewayApi';
import { calico, denyAll, ingressNginx } from '../../testing/networkPolicies';
import { npBlocksPath } from './npBlocksPath';

const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
const cartPod = (name: string, labels: Record<string, string> = { app: 'cart' }) => pod('shop', name, { labels, ip: `10.244.1.${name.length}`, node: 'node-a', ports: [{ name: 'http', containerPort: 8080 }] });
const ingress = kube({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'cart', port: { number: 80 } } } }] } }] },
});
const base: KubeObject[] = [namespace('shop'), namespace('ingress-nginx'), cart, cartPod('cart-1'), cartPod('cart-22'), ingressNginx(), ingress];
const fromIngressNginx = (port: number) =>
  networkPolicy('shop', 'allow-ingress', { podSelector: { matchLabels: { app: 'cart' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port }] }] });

describe('np.blocks-path', () => {
  it('fires when the backend pods are isolated and nothing admits the Ingress controller, naming the policy and the resolved port', () => {
    const findings = findingsOf(npBlocksPath, [...base, calico(), denyAll('shop')]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'np.blocks-path', severity: 'error', layer: 'policy' });
    expect(findings[0].message).toContain('Ingress shop/web → Service shop/cart port 80: network policy denies all 2 connections from Ingress controller pod ingress-nginx/ingress-nginx-controller-5d8 to the backend pods on TCP 8080');
    expect(findings[0].message).toContain('isolated for ingress by NetworkPolicy/shop/default-deny');
    expect(findings[0].objects).toEqual(['Service/shop/cart', 'Ingress/shop/web', 'NetworkPolicy/shop/default-deny', 'Pod/ingress-nginx/ingress-nginx-controller-5d8']);
    expect(findings[0].evidence[0]).toEqual({ field: 'Service shop/cart spec.ports[http].targetPort', value: 'http → 8080 on pod shop/cart-1' });
  });

  it('is a warning that says "not modelled" where a CNI policy Strata does not evaluate applies', () => {
    const cnp = kube({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'allow-ingress', namespace: 'shop' }, spec: {} });
    const [finding] = findingsOf(npBlocksPath, [...base, calico(), denyAll('shop'), cnp]);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('not modelled');
  });

  it('does not blame another controller for an Ingress whose class names one Strata cannot place (an ALB)', () => {
    const alb = kube({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'alb' }, spec: { controller: 'ingress.k8s.aws/alb' } });
    const routed = (className: string) =>
      kube({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { ingressClassName: className, rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'cart', port: { number: 80 } } } }] } }] },
      });
    const nginx = kube({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } });
    const others = base.filter((o) => o !== ingress);
    expect(findingsOf(npBlocksPath, [...others, routed('alb'), alb, nginx, calico(), denyAll('shop')])).toEqual([]);
    // Near miss: the same Ingress of the nginx class is judged from the nginx pods.
    expect(findingsOf(npBlocksPath, [...others, routed('nginx'), alb, nginx, calico(), denyAll('shop')])).toHaveLength(1);
  });

  it('judges the resolved target port, not the Service port: an allow on 80 does not admit 8080', () => {
    expect(findingsOf(npBlocksPath, [...base, calico(), fromIngressNginx(80)])).toHaveLength(1);
    expect(findingsOf(npBlocksPath, [...base, calico(), fromIngressNginx(8080)])).toEqual([]);
  });

  it('is a warning when only some backend pods are denied, or when enforcement is not known', () => {
    const partial = networkPolicy('shop', 'canary-deny', { podSelector: { matchLabels: { track: 'canary' } }, policyTypes: ['Ingress'] });
    const [some] = findingsOf(npBlocksPath, [...base.filter((o) => o.metadata.name !== 'cart-22'), cartPod('cart-22', { app: 'cart', track: 'canary' }), calico(), partial]);
    expect(some.severity).toBe('warning');
    expect(some.message).toContain('denies 1 of 2 connections');
    const [unknown] = findingsOf(npBlocksPath, [...base, denyAll('shop')]);
    expect(unknown.severity).toBe('warning');
    expect(unknown.message).toContain('if the CNI enforces NetworkPolicy');
  });

  it('catches the controller side: egress isolation in the controller namespace', () => {
    const [finding] = findingsOf(npBlocksPath, [...base, calico(), denyAll('ingress-nginx', ['Egress'], 'lockdown')]);
    expect(finding.message).toContain('isolated for egress by NetworkPolicy/ingress-nginx/lockdown');
    expect(finding.hint).toContain("Add an egress rule in namespace ingress-nginx");
  });

  it('checks Gateway data-plane pods against the backends of attached routes, across namespaces only with a ReferenceGrant', () => {
    const envoy = pod('infra', 'envoy-public-7c9', { labels: { 'gateway.networking.k8s.io/gateway-name': 'public' }, ip: '10.244.7.7', node: 'node-b' });
    const local = route('shop', 'cart', { parentRefs: [{ name: 'public', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'cart', port: 80 }] }] });
    const objects = [namespace('shop'), namespace('infra'), cart, cartPod('cart-1'), envoy, calico(), denyAll('shop')];
    const [finding] = findingsOf(npBlocksPath, [...objects, local]);
    expect(finding.message).toContain('HTTPRoute shop/cart (Gateway infra/public) → Service shop/cart port 80: network policy denies the only connection from Gateway infra/public data-plane pod infra/envoy-public-7c9');
    expect(finding.objects).toContain('Gateway/infra/public');
    const remote = route('front', 'cart', { parentRefs: [{ name: 'public', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'cart', namespace: 'shop', port: 80 }] }] });
    expect(findingsOf(npBlocksPath, [...objects, remote])).toEqual([]);
    const grant = referenceGrant('shop', 'from-front', [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'front' }], [{ group: '', kind: 'Service' }]);
    expect(findingsOf(npBlocksPath, [...objects, remote, grant])).toHaveLength(1);
  });

  it('does not fire without isolation, without known sender pods, or for a Service no Ingress routes to', () => {
    expect(findingsOf(npBlocksPath, [...base, calico()])).toEqual([]);
    expect(findingsOf(npBlocksPath, [...base.filter((o) => o.kind !== 'Pod' || o.metadata.namespace !== 'ingress-nginx'), calico(), denyAll('shop')])).toEqual([]);
    expect(findingsOf(npBlocksPath, [...base.filter((o) => o.kind !== 'Ingress'), calico(), denyAll('shop')])).toEqual([]);
  });

  it('is re-checked when a policy in the controller namespace or a route in a granted namespace changes', () => {
    const diagnostics = new IncrementalDiagnostics({ rules: [npBlocksPath], clock: () => TEST_NOW });
    const objects = [...base, calico()];
    diagnostics.update({ objects });
    expect(diagnostics.findings()).toEqual([]);
    diagnostics.update({ objects: [...objects, denyAll('ingress-nginx', ['Egress'], 'lockdown')] });
    expect(diagnostics.findings().map((f) => f.key)).toEqual(['np.blocks-path|Service/shop/cart|Ingress shop/web|http']);
    const envoy = pod('infra', 'envoy-public-7c9', { labels: { 'gateway.networking.k8s.io/gateway-name': 'public' }, ip: '10.244.7.7', node: 'node-b' });
    const grant = referenceGrant('shop', 'from-front', [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'front' }], [{ group: '', kind: 'Service', name: 'cart' }]);
    const withGateway = [...objects, denyAll('shop'), envoy, grant];
    diagnostics.update({ objects: withGateway });
    const remote = route('front', 'cart', { parentRefs: [{ name: 'public', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'cart', namespace: 'shop', port: 80 }] }] });
    diagnostics.update({ objects: [...withGateway, remote] });
    expect(diagnostics.findings().map((f) => f.key)).toContain('np.blocks-path|Service/shop/cart|HTTPRoute front/cart (Gateway infra/public)|http');
  });
});
