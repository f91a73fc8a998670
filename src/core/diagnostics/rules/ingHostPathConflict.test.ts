import { describe, expect, it } from 'vitest';
import { kube, service } from '../../testing/manifests';
import { findingsOf } from '../../testing/diagnostics';
import { ingHostPathConflict } from './ingHostPathConflict';

interface PathSpec {
  path: string;
  service: string;
  port?: Record<string, unknown>;
  pathType?: string;
}
const ingress = (name: string, paths: PathSpec[], options: { namespace?: string; className?: string; host?: string } = {}) =>
  kube({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: options.namespace ?? 'shop' },
    spec: {
      ...(options.className ? { ingressClassName: options.className } : {}),
      rules: [{ host: options.host ?? 'shop.example.com', http: { paths: paths.map((p) => ({ path: p.path, pathType: p.pathType ?? 'Prefix', backend: { service: { name: p.service, port: p.port ?? { number: 80 } } } })) } }],
    },
  });
const defaultClass = kube({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx' } });

describe('ing.host-path.conflict', () => {
  it('fires on both Ingresses when the same host and path go to different backends', () => {
    const findings = findingsOf(ingHostPathConflict, [ingress('web', [{ path: '/api', service: 'api' }]), ingress('web-v2', [{ path: '/api/', service: 'api-v2' }])]);
    expect(findings).toHaveLength(2);
    const web = findings.find((f) => f.objects[0] === 'Ingress/shop/web')!;
    expect(web).toMatchObject({ rule: 'ing.host-path.conflict', severity: 'warning', layer: 'entry' });
    expect(web.message).toBe('Ingress shop/web sends shop.example.com/api (Prefix) to Service api:80, but Ingress shop/web-v2 sends it to Service api-v2:80; the controller serves only one of them.');
    expect(web.objects).toEqual(['Ingress/shop/web', 'Ingress/shop/web-v2']);
  });

  it('counts the default class as the class of an Ingress without one', () => {
    const findings = findingsOf(ingHostPathConflict, [defaultClass, ingress('web', [{ path: '/', service: 'a' }]), ingress('web-v2', [{ path: '/', service: 'b' }], { className: 'nginx' })]);
    expect(findings).toHaveLength(2);
  });

  it('does not fire for the same backend (by port name or number), other classes, path types, hosts or namespaces', () => {
    const api = service('shop', 'api', { ports: [{ name: 'http', port: 80 }] });
    expect(findingsOf(ingHostPathConflict, [api, ingress('web', [{ path: '/api', service: 'api' }]), ingress('web-v2', [{ path: '/api', service: 'api', port: { name: 'http' } }])])).toEqual([]);
    expect(findingsOf(ingHostPathConflict, [ingress('web', [{ path: '/api', service: 'api' }], { className: 'nginx' }), ingress('web-v2', [{ path: '/api', service: 'b' }], { className: 'traefik' })])).toEqual([]);
    expect(findingsOf(ingHostPathConflict, [ingress('web', [{ path: '/api', service: 'api' }]), ingress('web-v2', [{ path: '/api', service: 'b', pathType: 'Exact' }])])).toEqual([]);
    expect(findingsOf(ingHostPathConflict, [ingress('web', [{ path: '/api', service: 'api' }]), ingress('web-v2', [{ path: '/api', service: 'b' }], { host: 'admin.example.com' })])).toEqual([]);
    expect(findingsOf(ingHostPathConflict, [ingress('web', [{ path: '/api', service: 'api' }]), ingress('web-v2', [{ path: '/api', service: 'b' }], { namespace: 'other' })])).toEqual([]);
    // Near miss: /api and /apis are different Prefix paths.
    expect(findingsOf(ingHostPathConflict, [ingress('web', [{ path: '/api', service: 'api' }]), ingress('web-v2', [{ path: '/apis', service: 'b' }])])).toEqual([]);
  });
});
