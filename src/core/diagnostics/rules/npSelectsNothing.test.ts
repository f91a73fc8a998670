import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { deployment, kube, networkPolicy, pod } from '../../testing/manifests';
import { npSelectsNothing } from './npSelectsNothing';

const cartPolicy = networkPolicy('shop', 'cart-ingress', { podSelector: { matchLabels: { app: 'cart' } }, policyTypes: ['Ingress'] });
const carts = pod('shop', 'carts-7f9c-x2kq', { labels: { app: 'carts' }, owner: { kind: 'ReplicaSet', name: 'carts-7f9c' } });

describe('np.selects-nothing', () => {
  it('fires when no pod of the namespace matches, and shows what pods carry under the same key', () => {
    const findings = findingsOf(npSelectsNothing, [cartPolicy, carts, pod('shop', 'web-1', { labels: { app: 'web' } })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'np.selects-nothing', severity: 'warning', layer: 'policy' });
    expect(findings[0].message).toBe('NetworkPolicy shop/cart-ingress selects app=cart, which no pod in shop matches; pods there carry app=carts, app=web.');
    expect(findings[0].objects).toEqual(['NetworkPolicy/shop/cart-ingress', 'ReplicaSet/shop/carts-7f9c']);
  });

  it('uses matchExpressions as the engine does', () => {
    const policy = networkPolicy('shop', 'tiers', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['api'] }] } });
    const [finding] = findingsOf(npSelectsNothing, [policy, pod('shop', 'web-1', { labels: { tier: 'web' } })]);
    expect(finding.message).toContain('selects tier In (api), which no pod in shop matches; pods there carry tier=web');
    expect(findingsOf(npSelectsNothing, [policy, pod('shop', 'api-1', { labels: { tier: 'api' } })])).toEqual([]);
  });

  it('does not fire for a matching pod, an empty podSelector, a workload whose pods are not running, hostNetwork-only matches, or an invalid policy', () => {
    expect(findingsOf(npSelectsNothing, [cartPolicy, pod('shop', 'cart-1', { labels: { app: 'cart', tier: 'web' } })])).toEqual([]);
    expect(findingsOf(npSelectsNothing, [networkPolicy('shop', 'deny', { podSelector: {} })])).toEqual([]);
    const idle = kube({ ...deployment('shop', 'cart', { app: 'cart' }), spec: { replicas: 0, selector: { matchLabels: { app: 'cart' } }, template: { metadata: { labels: { app: 'cart' } }, spec: { containers: [{ name: 'cart' }] } } } });
    expect(findingsOf(npSelectsNothing, [cartPolicy, idle])).toEqual([]);
    expect(findingsOf(npSelectsNothing, [cartPolicy, pod('shop', 'cart-host', { labels: { app: 'cart' }, hostNetwork: true })])).toEqual([]);
    const invalid = networkPolicy('shop', 'bad', { podSelector: { matchLabels: { app: 'cart' } }, ingress: [{ from: [{ ipBlock: { cidr: 'nope' } }] }] });
    expect(findingsOf(npSelectsNothing, [invalid])).toEqual([]);
  });

  it('does not count pods of another namespace (near miss: it still fires)', () => {
    const findings = findingsOf(npSelectsNothing, [cartPolicy, pod('other', 'cart-1', { labels: { app: 'cart' } })]);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('(the namespace has no pods)');
  });
});
