import { describe, expect, it } from 'vitest';
import { pod, service } from '../../testing/manifests';
import { endpointSlice } from '../../testing/endpoints';
import { findingsOf } from '../../testing/diagnostics';
import { svcTargetportUnresolved } from './svcTargetportUnresolved';

const slice = (name: string, ports: { name?: string; port: number; protocol?: string }[], endpoints: number) => endpointSlice('shop', name, 'cart', Array.from({ length: endpoints }, () => ({})), { ports });

const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
const cartPod = (ports: { name?: string; containerPort: number; protocol?: string }[]) => pod('shop', 'cart-1', { labels: { app: 'cart' }, ports });

describe('svc.targetport.unresolved', () => {
  it('fires when no selected pod declares the name, naming the ports they do declare', () => {
    const findings = findingsOf(svcTargetportUnresolved, [cart, cartPod([{ name: 'http', containerPort: 8080 }]), slice('cart-x7', [], 1)]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'svc.targetport.unresolved', severity: 'error', layer: 'service' });
    expect(findings[0].message).toContain('targets the port name "web", which no selected pod declares for TCP; they declare http:8080/TCP');
    expect(findings[0].objects).toEqual(['Service/shop/cart', 'Pod/shop/cart-1', 'EndpointSlice/shop/cart-x7']);
    expect(findings[0].evidence[0]).toEqual({ field: 'Service shop/cart spec.ports[http].targetPort', value: 'web/TCP' });
  });

  it('fires when the name is declared only for another protocol, and says so', () => {
    const [finding] = findingsOf(svcTargetportUnresolved, [cart, cartPod([{ name: 'web', containerPort: 8080, protocol: 'UDP' }])]);
    expect(finding.message).toContain('(only for UDP)');
  });

  it('does not fire when a pod declares the name and protocol, when a slice resolved the port, or with no selected pod', () => {
    expect(findingsOf(svcTargetportUnresolved, [cart, cartPod([{ name: 'web', containerPort: 8080 }])])).toEqual([]);
    expect(findingsOf(svcTargetportUnresolved, [cart, cartPod([]), slice('cart-x7', [{ name: 'http', port: 8080 }], 1)])).toEqual([]);
    expect(findingsOf(svcTargetportUnresolved, [cart])).toEqual([]);
    const numeric = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    expect(findingsOf(svcTargetportUnresolved, [numeric, cartPod([])])).toEqual([]);
  });
});
