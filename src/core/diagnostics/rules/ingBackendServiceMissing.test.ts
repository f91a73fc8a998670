import { describe, expect, it } from 'vitest';
import { kube, service } from '../../testing/manifests';
import { findingsOf } from '../../testing/diagnostics';
import { ingBackendServiceMissing } from './ingBackendServiceMissing';

const ingress = (spec: Record<string, unknown>) => kube({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec });
const backend = (name: string, port: Record<string, unknown> = { number: 80 }) => ({ service: { name, port } });
const rule = (host: string, path: string, name: string) => ({ host, http: { paths: [{ path, pathType: 'Prefix', backend: backend(name) }] } });
const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ port: 80, targetPort: 8080 }] });

describe('ing.backend.service-missing', () => {
  it('fires per missing backend, rules and defaultBackend alike, and suggests the closest Service', () => {
    const findings = findingsOf(ingBackendServiceMissing, [cart, ingress({ defaultBackend: backend('fallback'), rules: [rule('shop.example.com', '/cart', 'carts'), rule('shop.example.com', '/', 'cart')] })]);
    expect(findings).toHaveLength(2);
    const byPath = findings.find((f) => f.key.endsWith('shop.example.com/cart'))!;
    expect(byPath).toMatchObject({ rule: 'ing.backend.service-missing', severity: 'error', layer: 'entry' });
    expect(byPath.message).toBe('Ingress shop/web sends shop.example.com/cart to Service shop/carts, which does not exist in shop; did you mean Service shop/cart?');
    expect(byPath.objects).toEqual(['Ingress/shop/web', 'Service/shop/cart']);
    expect(byPath.evidence[0]).toEqual({ field: 'Ingress shop/web spec.rules[0].http.paths[0].backend.service.name', value: 'carts' });
    const byDefault = findings.find((f) => f.key.endsWith('default backend'))!;
    expect(byDefault.message).toContain("Ingress shop/web's default backend is Service shop/fallback, which does not exist in shop.");
    expect(byDefault.objects).toEqual(['Ingress/shop/web']);
  });

  it('does not fire when every backend exists, for resource backends, or for a Service of the same name elsewhere', () => {
    expect(findingsOf(ingBackendServiceMissing, [cart, ingress({ defaultBackend: backend('cart'), rules: [rule('shop.example.com', '/', 'cart')] })])).toEqual([]);
    const bucket = { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } };
    expect(findingsOf(ingBackendServiceMissing, [ingress({ defaultBackend: bucket })])).toEqual([]);
    // Near miss: the Service exists, but in another namespace, which an Ingress cannot reach.
    const elsewhere = service('other', 'cart', { ports: [{ port: 80 }] });
    expect(findingsOf(ingBackendServiceMissing, [elsewhere, ingress({ rules: [rule('shop.example.com', '/', 'cart')] })])).toHaveLength(1);
  });
});
