import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { adminNetworkPolicy, kube, networkPolicy, pod } from '../../testing/manifests';
import { denyAll } from '../../testing/networkPolicies';
import { poNotIsolated } from './poNotIsolated';

const member = (name: string, app: string) => pod('shop', name, { labels: { app }, owner: { kind: 'StatefulSet', name: app } });

describe('po.not-isolated', () => {
  it('reports each workload once, about the workload, saying whether egress is open too', () => {
    const findings = findingsOf(poNotIsolated, [member('cart-1', 'cart'), member('cart-0', 'cart'), member('db-0', 'db')]);
    expect(findings).toHaveLength(2);
    const cart = findings.find((f) => f.objects[0] === 'StatefulSet/shop/cart')!;
    expect(cart).toMatchObject({ rule: 'po.not-isolated', severity: 'info', layer: 'policy', key: 'po.not-isolated|StatefulSet/shop/cart' });
    expect(cart.message).toBe('StatefulSet shop/cart (2 pods, e.g. Pod shop/cart-0) is not isolated by any NetworkPolicy for ingress or egress: any pod in the cluster can connect to it.');
    expect(cart.objects).toEqual(['StatefulSet/shop/cart', 'Pod/shop/cart-0']);
  });

  it('keeps the key when the reporting pod is replaced', () => {
    const before = findingsOf(poNotIsolated, [member('cart-0', 'cart'), member('cart-1', 'cart')]);
    const after = findingsOf(poNotIsolated, [member('cart-1', 'cart'), member('cart-2', 'cart')]);
    expect(after.map((f) => f.key)).toEqual(before.map((f) => f.key));
    expect(after[0].objects).toEqual(['StatefulSet/shop/cart', 'Pod/shop/cart-1']);
  });

  it('counts only ingress isolation: an egress-only policy leaves the pods open', () => {
    const egressOnly = networkPolicy('shop', 'egress', { podSelector: {}, policyTypes: ['Egress'] });
    const [finding] = findingsOf(poNotIsolated, [member('cart-0', 'cart'), egressOnly]);
    expect(finding.message).toContain('is not isolated by any NetworkPolicy for ingress: any pod');
  });

  it('does not fire for pods an ingress policy, an ANP or a CNI policy may govern, nor for hostNetwork or finished pods', () => {
    expect(findingsOf(poNotIsolated, [member('cart-0', 'cart'), denyAll('shop')])).toEqual([]);
    const anp = adminNetworkPolicy('cluster-floor', { priority: 10, subject: { namespaces: {} }, ingress: [{ name: 'all', action: 'Allow', from: [{ namespaces: {} }] }] });
    expect(findingsOf(poNotIsolated, [member('cart-0', 'cart'), anp])).toEqual([]);
    const cnp = kube({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'l7', namespace: 'shop' }, spec: {} });
    expect(findingsOf(poNotIsolated, [member('cart-0', 'cart'), cnp])).toEqual([]);
    expect(findingsOf(poNotIsolated, [pod('shop', 'agent', { hostNetwork: true })])).toEqual([]);
    // Near miss: a policy selecting another app leaves cart open.
    const dbOnly = networkPolicy('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] });
    expect(findingsOf(poNotIsolated, [member('cart-0', 'cart'), member('db-0', 'db'), dbOnly]).map((f) => f.objects[0])).toEqual(['StatefulSet/shop/cart']);
  });
});
