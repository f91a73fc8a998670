import { describe, expect, it } from 'vitest';
import { kube } from '../../testing/manifests';
import { findingsOf } from '../../testing/diagnostics';
import { ingTlsSecret } from './ingTlsSecret';

const backend = { service: { name: 'web', port: { number: 80 } } };
const ingress = (tlsHosts: string[], ruleHosts: (string | undefined)[], extra: Record<string, unknown> = {}) =>
  kube({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { tls: [{ hosts: tlsHosts, secretName: 'web-tls' }], rules: ruleHosts.map((host) => ({ ...(host ? { host } : {}), http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } })), ...extra },
  });

describe('ing.tls.secret', () => {
  it('fires per TLS host no rule serves', () => {
    const findings = findingsOf(ingTlsSecret, [ingress(['shop.example.com', 'shop.example.org'], ['shop.example.com'])]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'ing.tls.secret', severity: 'warning', layer: 'entry', objects: ['Ingress/shop/web'] });
    expect(findings[0].message).toBe('Ingress shop/web lists shop.example.org in spec.tls[0].hosts, but no rule serves that host (the rules are for shop.example.com).');
  });

  it('does not fire when a rule, a wildcard, a hostless rule or a default backend covers the host', () => {
    expect(findingsOf(ingTlsSecret, [ingress(['shop.example.com'], ['shop.example.com'])])).toEqual([]);
    expect(findingsOf(ingTlsSecret, [ingress(['shop.example.com'], ['*.example.com'])])).toEqual([]);
    expect(findingsOf(ingTlsSecret, [ingress(['*.example.com'], ['shop.example.com'])])).toEqual([]);
    expect(findingsOf(ingTlsSecret, [ingress(['shop.example.org'], [undefined])])).toEqual([]);
    expect(findingsOf(ingTlsSecret, [ingress(['shop.example.org'], ['shop.example.com'], { defaultBackend: backend })])).toEqual([]);
    // Near miss: a wildcard covers one label only.
    expect(findingsOf(ingTlsSecret, [ingress(['a.shop.example.com'], ['*.example.com'])])).toHaveLength(1);
  });
});
