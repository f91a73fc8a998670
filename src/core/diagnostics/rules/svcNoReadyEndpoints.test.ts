import { describe, expect, it } from 'vitest';
import { kube, pod, service } from '../../testing/manifests';
import { endpointSlice, unreadyPod } from '../../testing/endpoints';
import { findingsOf } from '../../testing/diagnostics';
import { svcNoReadyEndpoints } from './svcNoReadyEndpoints';

const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });

describe('svc.no-ready-endpoints', () => {
  it('fires when no endpoint of the slices is ready, naming each culprit pod and why', () => {
    const objects = [
      cart,
      unreadyPod('shop', 'cart-1', { app: 'cart' }, { waiting: 'CrashLoopBackOff' }),
      unreadyPod('shop', 'cart-2', { app: 'cart' }),
      endpointSlice('shop', 'cart-x7', 'cart', [
        { pod: 'cart-1', ready: false },
        { pod: 'cart-2', ready: false },
      ]),
    ];
    const findings = findingsOf(svcNoReadyEndpoints, objects);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'svc.no-ready-endpoints', severity: 'error', layer: 'endpoints' });
    expect(findings[0].message).toContain('Service shop/cart selects 2 pods but none of its endpoints is ready');
    expect(findings[0].message).toContain('cart-1: container app is waiting: CrashLoopBackOff');
    expect(findings[0].message).toContain('readiness probe failing');
    expect(findings[0].objects).toEqual(['Service/shop/cart', 'Pod/shop/cart-1', 'Pod/shop/cart-2', 'EndpointSlice/shop/cart-x7']);
    expect(findings[0].evidence).toContainEqual({ field: 'EndpointSlice shop/cart-x7 endpoints[].conditions.ready', value: '0 of 2 ready' });
  });

  it('says a cluster-wide DNS outage for kube-system/kube-dns, reading the pods when there are no slices', () => {
    const dns = service('kube-system', 'kube-dns', { selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
    const [finding] = findingsOf(svcNoReadyEndpoints, [dns, unreadyPod('kube-system', 'coredns-1', { 'k8s-app': 'kube-dns' }, { waiting: 'ImagePullBackOff' })]);
    expect(finding.severity).toBe('error');
    expect(finding.message).toContain('DNS is down cluster-wide');
    expect(finding.objects).toContain('Pod/kube-system/coredns-1');
  });

  it('waits for pods that are only starting, but not for a crash loop', () => {
    expect(findingsOf(svcNoReadyEndpoints, [cart, unreadyPod('shop', 'cart-1', { app: 'cart' }, { createdSecondsAgo: 30 })])).toEqual([]);
    expect(findingsOf(svcNoReadyEndpoints, [cart, unreadyPod('shop', 'cart-1', { app: 'cart' }, { waiting: 'CrashLoopBackOff', createdSecondsAgo: 30 })])).toHaveLength(1);
  });

  it('uses serving with publishNotReadyAddresses', () => {
    const pnr = service('shop', 'cart', { selector: { app: 'cart' }, publishNotReadyAddresses: true, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    const objects = [pnr, unreadyPod('shop', 'cart-1', { app: 'cart' }), endpointSlice('shop', 'cart-x7', 'cart', [{ pod: 'cart-1', ready: true, serving: false }])];
    const [finding] = findingsOf(svcNoReadyEndpoints, objects);
    expect(finding.message).toContain('none of its endpoints is serving');
  });

  it('does not fire with one ready endpoint, unknown readiness, no selected pod, or slices that disagree with Ready pods', () => {
    const oneReady = [cart, unreadyPod('shop', 'cart-1', { app: 'cart' }), pod('shop', 'cart-2', { labels: { app: 'cart' } }), endpointSlice('shop', 'cart-x7', 'cart', [{ pod: 'cart-1', ready: false }, { pod: 'cart-2', ready: true }])];
    expect(findingsOf(svcNoReadyEndpoints, oneReady)).toEqual([]);
    const manifestPod = kube({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cart-1', namespace: 'shop', labels: { app: 'cart' } }, spec: { containers: [{ name: 'app' }] } });
    expect(findingsOf(svcNoReadyEndpoints, [cart, manifestPod])).toEqual([]);
    expect(findingsOf(svcNoReadyEndpoints, [cart, unreadyPod('shop', 'web-1', { app: 'web' })])).toEqual([]);
    expect(findingsOf(svcNoReadyEndpoints, [cart, pod('shop', 'cart-1', { labels: { app: 'cart' } }), endpointSlice('shop', 'cart-x7', 'cart', [])])).toEqual([]);
    // A pod being deleted is no candidate: the Service has no live pod, which svc.selector.no-pods reports.
    expect(findingsOf(svcNoReadyEndpoints, [cart, pod('shop', 'cart-1', { labels: { app: 'cart' }, ready: false, deleting: true })])).toEqual([]);
  });
});
