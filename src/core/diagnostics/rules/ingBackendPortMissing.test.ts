import { describe, expect, it } from 'vitest';
import { kube, pod, service } from '../../testing/manifests';
import { findingsOf } from '../../testing/diagnostics';
import { ingBackendPortMissing } from './ingBackendPortMissing';

const ingress = (port: Record<string, unknown>, host = 'shop.example.com') =>
  kube({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'cart', port } } }] } }] } });
const cartPod = pod('shop', 'cart-1', { labels: { app: 'cart' }, ports: [{ name: 'web', containerPort: 8080 }] });

describe('ing.backend.port-missing', () => {
  it('fires on a wrong number for an unnamed single port (Popeye misses it) and names the container port mix-up', () => {
    const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ port: 80, targetPort: 8080 }] });
    const [finding, ...rest] = findingsOf(ingBackendPortMissing, [cart, cartPod, ingress({ number: 8080 })]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'ing.backend.port-missing', severity: 'error', layer: 'entry' });
    expect(finding.message).toBe('Ingress shop/web sends shop.example.com/ to Service shop/cart on port 8080, which the Service does not expose (its ports: 80→8080/TCP); you used the container port 8080, the Service port is 80.');
    expect(finding.objects).toEqual(['Ingress/shop/web', 'Service/shop/cart']);
    expect(finding.hint).toContain('port.number: 80');
  });

  it('resolves a named targetPort through the pods to find the Service port', () => {
    const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    const [finding] = findingsOf(ingBackendPortMissing, [cart, cartPod, ingress({ number: 8080 })]);
    expect(finding.message).toContain('you used the container port 8080, the Service port is 80');
    expect(finding.objects).toEqual(['Ingress/shop/web', 'Service/shop/cart', 'Pod/shop/cart-1']);
    expect(finding.hint).toContain('port.name: http');
  });

  it('fires on a port name the Service does not have, naming the container port name mix-up', () => {
    const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    const [finding] = findingsOf(ingBackendPortMissing, [cart, cartPod, ingress({ name: 'web' })]);
    expect(finding.message).toContain('on port name web, which the Service does not expose');
    expect(finding.message).toContain("web is the container port's name, the Service port is http");
  });

  it('does not fire for a matching name or number, a missing Service, or an ExternalName Service', () => {
    const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    expect(findingsOf(ingBackendPortMissing, [cart, cartPod, ingress({ number: 80 })])).toEqual([]);
    expect(findingsOf(ingBackendPortMissing, [cart, cartPod, ingress({ name: 'http' })])).toEqual([]);
    expect(findingsOf(ingBackendPortMissing, [cartPod, ingress({ number: 8080 })])).toEqual([]);
    expect(findingsOf(ingBackendPortMissing, [service('shop', 'cart', { type: 'ExternalName', externalName: 'cart.example.com' }), ingress({ number: 8443 })])).toEqual([]);
    // Near miss: the number is a port of another Service, not this one.
    const other = service('shop', 'other', { ports: [{ port: 9090 }] });
    expect(findingsOf(ingBackendPortMissing, [cart, other, ingress({ number: 9090 })])).toHaveLength(1);
  });
});
