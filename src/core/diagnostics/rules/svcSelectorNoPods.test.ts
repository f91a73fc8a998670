import { describe, expect, it } from 'vitest';
import { deployment, kube, pod, service } from '../../testing/manifests';
import { findingsOf } from '../../testing/diagnostics';
import { svcSelectorNoPods } from './svcSelectorNoPods';

const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ port: 80, targetPort: 8080 }] });

describe('svc.selector.no-pods', () => {
  it('fires when no pod carries the selector, and names the closest pods and the label that differs', () => {
    const findings = findingsOf(svcSelectorNoPods, [cart, pod('shop', 'cart-7f9c-x2kq', { labels: { app: 'carts' }, owner: { kind: 'ReplicaSet', name: 'cart-7f9c' } })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'svc.selector.no-pods', severity: 'error', layer: 'service' });
    expect(findings[0].message).toContain('app=carts (selector wants app=cart)');
    expect(findings[0].objects[0]).toBe('Service/shop/cart');
    expect(findings[0].evidence.map((e) => e.value)).toContain('app=carts');
  });

  it('is info when a workload the selector picks is scaled to 0', () => {
    const idle = kube({ ...deployment('shop', 'cart', { app: 'cart' }), spec: { replicas: 0, selector: { matchLabels: { app: 'cart' } }, template: { metadata: { labels: { app: 'cart' } }, spec: { containers: [{ name: 'cart' }] } } } });
    const [finding] = findingsOf(svcSelectorNoPods, [cart, idle]);
    expect(finding.severity).toBe('info');
    expect(finding.objects).toContain('Deployment/shop/cart');
  });

  it('does not fire when a pod matches, for selectorless or ExternalName Services, or for pods of another namespace', () => {
    expect(findingsOf(svcSelectorNoPods, [cart, pod('shop', 'cart-1', { labels: { app: 'cart', tier: 'web' } })])).toEqual([]);
    expect(findingsOf(svcSelectorNoPods, [service('shop', 'manual', { ports: [{ port: 80 }] })])).toEqual([]);
    expect(findingsOf(svcSelectorNoPods, [service('shop', 'ext', { type: 'ExternalName', externalName: 'db.example.com', selector: { app: 'x' } })])).toEqual([]);
    // Near miss: the right labels in the wrong namespace do not count, so it fires.
    expect(findingsOf(svcSelectorNoPods, [cart, pod('other', 'cart-1', { labels: { app: 'cart' } })])).toHaveLength(1);
  });
});
