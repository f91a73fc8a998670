import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { accepted, cond, gateway, parentStatus, route } from '../../testing/gatewayApi';
import { gwListenerProblem } from './gwListenerProblem';

const httpsListener = { name: 'https', port: 443, protocol: 'HTTPS', hostname: '*.example.com', tls: { certificateRefs: [{ name: 'shop-tls' }] } };
const healthy = [cond('Accepted', 'True'), cond('ResolvedRefs', 'True'), cond('Conflicted', 'False'), cond('Programmed', 'True')];

function gw(listenerConditions: Record<string, unknown>[], attachedRoutes = 1) {
  return gateway('infra', 'public', { listeners: [httpsListener], status: { conditions: accepted, listeners: [{ name: 'https', attachedRoutes, conditions: listenerConditions }] } });
}

describe('gw.listener.problem', () => {
  it('fires for a listener whose certificate ref does not resolve, naming the Secret without reading it', () => {
    const bad = [cond('Accepted', 'True'), cond('ResolvedRefs', 'False', 'InvalidCertificateRef', 'secret not found'), cond('Programmed', 'False', 'Invalid')];
    const [finding] = findingsOf(gwListenerProblem, [gw(bad)]);
    expect(finding).toMatchObject({ rule: 'gw.listener.problem', severity: 'error', layer: 'entry', key: 'gw.listener.problem|Gateway/infra/public|https' });
    expect(finding.message).toBe('Gateway infra/public listener https (HTTPS:443) does not work: ResolvedRefs=False (InvalidCertificateRef): secret not found; its TLS certificate Secret infra/shop-tls is missing or invalid.');
    expect(finding.evidence.map((e) => e.value)).toContain('Programmed=False (Invalid)');
    expect(finding.hint).toContain('TLS Secret');
  });

  it('fires for a conflicted listener, and only warns for unsupported route kinds', () => {
    expect(findingsOf(gwListenerProblem, [gw([cond('Conflicted', 'True', 'HostnameConflict')])])[0].message).toContain('Conflicted=True (HostnameConflict)');
    expect(findingsOf(gwListenerProblem, [gw([cond('ResolvedRefs', 'False', 'InvalidRouteKinds')])])[0].severity).toBe('warning');
  });

  it('warns when a listener has 0 attached routes while a route of its namespace targets it', () => {
    const web = route('infra', 'web', { parentRefs: [{ name: 'public', sectionName: 'https' }], hostnames: ['shop.example.com'] });
    const [finding] = findingsOf(gwListenerProblem, [gw(healthy, 0), web]);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toBe('Gateway infra/public listener https (HTTPS:443) has 0 attached routes although HTTPRoute infra/web targets it (the route has no status from this Gateway).');
    expect(finding.objects).toEqual(['Gateway/infra/public', 'HTTPRoute/infra/web']);
    const said = route('infra', 'web', { status: { parents: [parentStatus({ name: 'public' }, [cond('Accepted', 'False', 'UnsupportedValue')])] } });
    expect(findingsOf(gwListenerProblem, [gw(healthy, 0), said])[0].message).toContain('the route says Accepted=False (UnsupportedValue)');
  });

  it('does not fire for a healthy listener, a young Pending one, or 0 routes when no admissible route targets it', () => {
    expect(findingsOf(gwListenerProblem, [gw(healthy)])).toEqual([]);
    const young = gateway('infra', 'public', { ageMinutes: 1, listeners: [httpsListener], status: { listeners: [{ name: 'https', attachedRoutes: 0, conditions: [cond('Programmed', 'False', 'Pending')] }] } });
    expect(findingsOf(gwListenerProblem, [young])).toEqual([]);
    // The route's hostname is outside the listener's: 0 attached routes is expected (rt.parent.not-attachable says why).
    const other = route('infra', 'web', { hostnames: ['shop.example.org'] });
    expect(findingsOf(gwListenerProblem, [gw(healthy, 0), other])).toEqual([]);
    // A route created a minute ago may not be attached yet.
    expect(findingsOf(gwListenerProblem, [gw(healthy, 0), route('infra', 'web', { ageMinutes: 1 })])).toEqual([]);
    // A route in another namespace is not searched.
    expect(findingsOf(gwListenerProblem, [gw(healthy, 0), route('shop', 'web', { parentRefs: [{ name: 'public', namespace: 'infra' }] })])).toEqual([]);
  });
});
