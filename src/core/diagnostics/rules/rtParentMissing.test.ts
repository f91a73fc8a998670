import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { service } from '../../testing/manifests';
import { gateway, route } from '../../testing/gatewayApi';
import { rtParentMissing, rtParentMissingGrpc } from './rtParentMissing';

const rules = [rtParentMissing, rtParentMissingGrpc];
const publicGw = gateway('infra', 'public');

describe('rt.parent.missing', () => {
  it('fires when the Gateway is not in the route namespace (parentRef.namespace unset) and lists the ones there', () => {
    const [finding] = findingsOf(rules, [publicGw, gateway('shop', 'internal'), route('shop', 'web')]);
    expect(finding).toMatchObject({ rule: 'rt.parent.missing', severity: 'error', layer: 'entry' });
    expect(finding.message).toBe('HTTPRoute shop/web attaches to Gateway shop/public, which does not exist (Gateways in shop: internal).');
    expect(finding.objects).toEqual(['HTTPRoute/shop/web', 'Gateway/shop/public']);
    expect(finding.hint).toContain('set its namespace');
  });

  it('honours parentRef.namespace, checks GRPCRoutes and Service (GAMMA) parents', () => {
    const grpc = route('shop', 'api', { kind: 'GRPCRoute', parentRefs: [{ name: 'pubic', namespace: 'infra' }] });
    expect(findingsOf(rules, [publicGw, grpc])[0].message).toBe('GRPCRoute shop/api attaches to Gateway infra/pubic, which does not exist (Gateways in infra: public).');
    const mesh = route('shop', 'mesh', { parentRefs: [{ group: '', kind: 'Service', name: 'cart' }] });
    expect(findingsOf(rules, [mesh])[0].objects).toContain('Service/shop/cart');
  });

  it('does not fire when the parent exists, for other parent kinds, or when no Gateway is visible at all', () => {
    expect(findingsOf(rules, [publicGw, route('shop', 'web', { parentRefs: [{ name: 'public', namespace: 'infra' }] })])).toEqual([]);
    expect(findingsOf(rules, [service('shop', 'cart', { ports: [{ port: 80 }] }), route('shop', 'mesh', { parentRefs: [{ group: '', kind: 'Service', name: 'cart' }] })])).toEqual([]);
    expect(findingsOf(rules, [publicGw, route('shop', 'x', { parentRefs: [{ group: 'example.com', kind: 'Mesh', name: 'm' }] })])).toEqual([]);
    expect(findingsOf(rules, [route('shop', 'web')])).toEqual([]);
  });
});
