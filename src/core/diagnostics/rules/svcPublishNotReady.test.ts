import { describe, expect, it } from 'vitest';
import { pod, service } from '../../testing/manifests';
import { endpointSlice, unreadyPod } from '../../testing/endpoints';
import { findingsOf } from '../../testing/diagnostics';
import { svcPublishNotReady } from './svcPublishNotReady';

/** A slice as the controller writes it under publishNotReadyAddresses: ready forced true, serving the real readiness. */
const slice = (endpoints: { pod: string; serving: boolean }[]) => endpointSlice('shop', 'cart-x7', 'cart', endpoints.map((e) => ({ ...e, ready: true })));

const cart = (extra: Record<string, unknown> = {}) => service('shop', 'cart', { selector: { app: 'cart' }, publishNotReadyAddresses: true, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...extra });

describe('svc.publish-not-ready', () => {
  it('fires on a ClusterIP Service that publishes not-serving endpoints', () => {
    const objects = [cart(), pod('shop', 'cart-1', { labels: { app: 'cart' } }), unreadyPod('shop', 'cart-2', { app: 'cart' }), slice([{ pod: 'cart-1', serving: true }, { pod: 'cart-2', serving: false }])];
    const findings = findingsOf(svcPublishNotReady, objects);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'svc.publish-not-ready', severity: 'warning', layer: 'endpoints' });
    expect(findings[0].message).toBe(
      'Service shop/cart sends traffic to 1 not-ready pod (cart-2: container app running but not ready (readiness probe failing)) because it sets publishNotReadyAddresses on a ClusterIP Service.',
    );
    expect(findings[0].objects).toEqual(['Service/shop/cart', 'Pod/shop/cart-2', 'EndpointSlice/shop/cart-x7']);
  });

  it('does not fire for headless Services, when every endpoint serves, or without the flag', () => {
    const headless = [cart({ clusterIP: 'None' }), unreadyPod('shop', 'cart-2', { app: 'cart' }), slice([{ pod: 'cart-2', serving: false }])];
    expect(findingsOf(svcPublishNotReady, headless)).toEqual([]);
    const serving = [cart(), pod('shop', 'cart-1', { labels: { app: 'cart' } }), slice([{ pod: 'cart-1', serving: true }])];
    expect(findingsOf(svcPublishNotReady, serving)).toEqual([]);
    const plain = [cart({ publishNotReadyAddresses: false }), unreadyPod('shop', 'cart-2', { app: 'cart' })];
    expect(findingsOf(svcPublishNotReady, plain)).toEqual([]);
  });
});
