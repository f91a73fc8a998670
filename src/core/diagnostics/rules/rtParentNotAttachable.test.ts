import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { namespace } from '../../testing/manifests';
import { gateway, route } from '../../testing/gatewayApi';
import { rtParentNotAttachable, rtParentNotAttachableGrpc } from './rtParentNotAttachable';

const rules = [rtParentNotAttachable, rtParentNotAttachableGrpc];
const fromSelector = { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } } };
const publicGw = gateway('infra', 'public', {
  listeners: [
    { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: fromSelector },
    { name: 'https', port: 443, protocol: 'HTTPS', hostname: '*.example.com', allowedRoutes: { namespaces: { from: 'All' } } },
    { name: 'tcp', port: 5432, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'All' } } },
  ],
});
const toPublic = (extra: Record<string, unknown> = {}) => [{ name: 'public', namespace: 'infra', ...extra }];

describe('rt.parent.not-attachable', () => {
  it('fires when the namespace selector misses the route namespace labels (not the route labels)', () => {
    const web = route('shop', 'web', { parentRefs: toPublic({ sectionName: 'http' }) });
    const [finding] = findingsOf(rules, [publicGw, namespace('shop', { team: 'cart' }), web]);
    expect(finding).toMatchObject({ rule: 'rt.parent.not-attachable', severity: 'error', layer: 'entry' });
    expect(finding.message).toBe(
      'HTTPRoute shop/web cannot attach to Gateway infra/public (NotAllowedByListeners): listener http admits routes only from namespaces matching team=shop, and namespace shop has team=cart,kubernetes.io/metadata.name=shop.',
    );
    expect(finding.objects).toEqual(['HTTPRoute/shop/web', 'Gateway/infra/public']);
  });

  it('fires for a sectionName or port with no listener, a hostname outside the listener, a kind the listener does not carry', () => {
    const ns = namespace('shop', { team: 'shop' });
    expect(findingsOf(rules, [publicGw, ns, route('shop', 'a', { parentRefs: toPublic({ sectionName: 'htps' }) })])[0].message).toContain('(NoMatchingParent): it has no listener named htps (listeners: http:80, https:443, tcp:5432)');
    expect(findingsOf(rules, [publicGw, ns, route('shop', 'b', { parentRefs: toPublic({ port: 8080 }) })])[0].message).toContain('no listener on port 8080');
    const wrongHost = route('shop', 'c', { parentRefs: toPublic({ sectionName: 'https' }), hostnames: ['example.com'] });
    const [host] = findingsOf(rules, [publicGw, ns, wrongHost]);
    expect(host.message).toContain('(NoMatchingListenerHostname): listener https serves *.example.com');
    expect(findingsOf(rules, [publicGw, ns, route('shop', 'd', { parentRefs: toPublic({ sectionName: 'tcp' }) })])[0].message).toContain('listener tcp admits only TCPRoute');
    const grpc = route('shop', 'e', { kind: 'GRPCRoute', parentRefs: toPublic({ port: 80 }) });
    expect(findingsOf(rules, [publicGw, namespace('shop'), grpc])[0].message).toContain('GRPCRoute shop/e cannot attach');
  });

  it('does not fire when any selected listener admits the route', () => {
    // No sectionName: http refuses the namespace, but https (from All, matching wildcard hostname) admits it.
    const web = route('shop', 'web', { parentRefs: toPublic(), hostnames: ['shop.example.com'] });
    expect(findingsOf(rules, [publicGw, namespace('shop', { team: 'cart' }), web])).toEqual([]);
    // The selector matches the namespace's labels.
    expect(findingsOf(rules, [publicGw, namespace('shop', { team: 'shop' }), route('shop', 'web', { parentRefs: toPublic({ sectionName: 'http' }) })])).toEqual([]);
    // A route without hostnames takes the listener's; a same-namespace route on a default (Same) listener.
    expect(findingsOf(rules, [publicGw, route('shop', 'w', { parentRefs: toPublic({ sectionName: 'https' }) })])).toEqual([]);
    expect(findingsOf(rules, [gateway('shop', 'public'), route('shop', 'w')])).toEqual([]);
    // A missing Gateway is rt.parent.missing's finding.
    expect(findingsOf(rules, [route('shop', 'w', { parentRefs: toPublic({ sectionName: 'x' }) })])).toEqual([]);
  });
});
