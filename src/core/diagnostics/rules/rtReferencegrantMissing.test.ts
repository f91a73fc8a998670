import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { accepted, cond, gateway, parentStatus, referenceGrant, route } from '../../testing/gatewayApi';
import { rtReferencegrantMissing, rtReferencegrantMissingGateway, rtReferencegrantMissingGrpc } from './rtReferencegrantMissing';

const rules = [rtReferencegrantMissing, rtReferencegrantMissingGrpc, rtReferencegrantMissingGateway];
const GROUP = 'gateway.networking.k8s.io';
const cross = (kind: 'HTTPRoute' | 'GRPCRoute' = 'HTTPRoute', status?: Record<string, unknown>) =>
  route('shop', 'web', { kind, rules: [{ backendRefs: [{ name: 'api', namespace: 'payments', port: 80 }] }], status });
const toServices = [{ group: '', kind: 'Service' }];

describe('rt.referencegrant.missing', () => {
  it('fires for a cross-namespace backendRef without a grant, and shows the grant that came close', () => {
    const wrongNs = referenceGrant('payments', 'from-web', [{ group: GROUP, kind: 'HTTPRoute', namespace: 'web' }], toServices);
    const [finding] = findingsOf(rules, [cross(), wrongNs]);
    expect(finding).toMatchObject({ rule: 'rt.referencegrant.missing', severity: 'error', layer: 'entry' });
    expect(finding.message).toBe('HTTPRoute shop/web rule 1 sends traffic to Service payments/api, but no ReferenceGrant in payments allows HTTPRoutes from namespace shop to reach it (RefNotPermitted).');
    expect(finding.objects).toEqual(['HTTPRoute/shop/web', 'Service/payments/api', 'ReferenceGrant/payments/from-web']);
    expect(finding.evidence[1]).toEqual({ field: 'ReferenceGrant payments/from-web spec.from', value: 'HTTPRoute in web' });
    expect(finding.hint).toContain('kind: HTTPRoute, namespace: shop');
  });

  it('fires for a GRPCRoute when the grant only covers HTTPRoutes, and for a grant in the wrong namespace', () => {
    const httpOnly = referenceGrant('payments', 'g', [{ group: GROUP, kind: 'HTTPRoute', namespace: 'shop' }], toServices);
    expect(findingsOf(rules, [cross('GRPCRoute'), httpOnly])).toHaveLength(1);
    const inSource = referenceGrant('shop', 'g', [{ group: GROUP, kind: 'HTTPRoute', namespace: 'shop' }], toServices);
    expect(findingsOf(rules, [cross(), inSource])).toHaveLength(1);
  });

  it('fires for a Gateway certificateRef in another namespace without a grant', () => {
    const gw = gateway('infra', 'public', { listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'shop-tls', namespace: 'certs' }] } }] });
    const [finding] = findingsOf(rules, [gw]);
    expect(finding.message).toBe('Gateway infra/public listener https uses certificate Secret certs/shop-tls, but no ReferenceGrant in certs allows Gateways from namespace infra to reference it (RefNotPermitted).');
    expect(finding.objects).toEqual(['Gateway/infra/public', 'Secret/certs/shop-tls']);
    const grant = referenceGrant('certs', 'g', [{ group: GROUP, kind: 'Gateway', namespace: 'infra' }], [{ group: '', kind: 'Secret', name: 'shop-tls' }]);
    expect(findingsOf(rules, [gw, grant])).toEqual([]);
  });

  it('does not fire with a matching grant, for same-namespace refs, or when the controller says refs resolved', () => {
    const grant = referenceGrant('payments', 'g', [{ group: GROUP, kind: 'HTTPRoute', namespace: 'shop' }], [{ group: '', kind: 'Service', name: 'api' }]);
    expect(findingsOf(rules, [cross(), grant])).toEqual([]);
    expect(findingsOf(rules, [route('shop', 'web')])).toEqual([]);
    const resolvedStatus = { parents: [parentStatus({ name: 'public' }, [cond('Accepted', 'True'), cond('ResolvedRefs', 'True')])] };
    expect(findingsOf(rules, [cross('HTTPRoute', resolvedStatus)])).toEqual([]);
    const sameNsCert = gateway('infra', 'public', { listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'tls' }] } }], status: { conditions: accepted } });
    expect(findingsOf(rules, [sameNsCert])).toEqual([]);
  });
});
