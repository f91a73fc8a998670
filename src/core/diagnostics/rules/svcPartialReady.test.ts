import { describe, expect, it } from 'vitest';
import { pod, service } from '../../testing/manifests';
import { endpointSlice, unreadyPod } from '../../testing/endpoints';
import { findingsOf } from '../../testing/diagnostics';
import { svcPartialReady } from './svcPartialReady';

const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
const ready = (name: string) => pod('shop', name, { labels: { app: 'cart' } });

describe('svc.partial-ready', () => {
  it('warns when some endpoints are not ready, naming the pods and why', () => {
    const objects = [cart, ready('cart-1'), ready('cart-3'), unreadyPod('shop', 'cart-2', { app: 'cart' }), endpointSlice('shop', 'cart-x7', 'cart', [{ pod: 'cart-1', ready: true }, { pod: 'cart-2', ready: false }, { pod: 'cart-3', ready: true }])];
    const findings = findingsOf(svcPartialReady, objects);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'svc.partial-ready', severity: 'warning', layer: 'endpoints' });
    expect(findings[0].message).toBe('Service shop/cart has 1 of 3 pods not ready (cart-2: container app running but not ready (readiness probe failing)).');
    expect(findings[0].objects).toEqual(['Service/shop/cart', 'Pod/shop/cart-2', 'EndpointSlice/shop/cart-x7']);
  });

  it('is info when the one endpoint is the only one', () => {
    const [finding] = findingsOf(svcPartialReady, [cart, ready('cart-1'), endpointSlice('shop', 'cart-x7', 'cart', [{ pod: 'cart-1', ready: true }])]);
    expect(finding.severity).toBe('info');
    expect(finding.message).toContain('single point of failure');
    expect(finding.objects).toContain('Pod/shop/cart-1');
  });

  it('does not fire when all are ready, for terminating endpoints, when none is ready, or for a headless Service a ClusterIP one covers', () => {
    const healthy = [cart, ready('cart-1'), ready('cart-2'), endpointSlice('shop', 'cart-x7', 'cart', [{ pod: 'cart-1', ready: true }, { pod: 'cart-2', ready: true }])];
    expect(findingsOf(svcPartialReady, healthy)).toEqual([]);
    // A rollout: the old pod's endpoint is terminating, and the pod is being deleted.
    const rollout = [cart, ready('cart-1'), ready('cart-2'), pod('shop', 'cart-0', { labels: { app: 'cart' }, ready: false, deleting: true }), endpointSlice('shop', 'cart-x7', 'cart', [{ pod: 'cart-1', ready: true }, { pod: 'cart-2', ready: true }, { pod: 'cart-0', ready: false, terminating: true }])];
    expect(findingsOf(svcPartialReady, rollout)).toEqual([]);
    // A new replica 30 s old whose readiness probe has not passed yet is starting; at 5 minutes it is failing.
    const starting = (age: number) => [cart, ready('cart-1'), unreadyPod('shop', 'cart-2', { app: 'cart' }, { createdSecondsAgo: age }), endpointSlice('shop', 'cart-x7', 'cart', [{ pod: 'cart-1', ready: true }, { pod: 'cart-2', ready: false }])];
    expect(findingsOf(svcPartialReady, starting(30))).toEqual([]);
    expect(findingsOf(svcPartialReady, starting(300))).toHaveLength(1);
    expect(findingsOf(svcPartialReady, [cart, unreadyPod('shop', 'cart-1', { app: 'cart' })])).toEqual([]);
    const headless = service('shop', 'cart-peers', { clusterIP: 'None', selector: { app: 'cart' }, ports: [{ port: 7000 }] });
    const objects = [cart, headless, ready('cart-1'), unreadyPod('shop', 'cart-2', { app: 'cart' })];
    expect(findingsOf(svcPartialReady, objects).map((f) => f.objects[0])).toEqual(['Service/shop/cart']);
  });
});
