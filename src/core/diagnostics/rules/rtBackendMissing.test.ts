import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { namespace, service } from '../../testing/manifests';
import { route } from '../../testing/gatewayApi';
import { rtBackendMissing, rtBackendMissingGrpc } from './rtBackendMissing';

const rules = [rtBackendMissing, rtBackendMissingGrpc];
const web = service('shop', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
const withBackends = (backendRefs: Record<string, unknown>[], kind: 'HTTPRoute' | 'GRPCRoute' = 'HTTPRoute') => route('shop', 'r', { kind, rules: [{ backendRefs }] });

describe('rt.backend.missing', () => {
  it('fires when the Service does not exist in the route namespace', () => {
    const [finding] = findingsOf(rules, [web, withBackends([{ name: 'cart', port: 80 }])]);
    expect(finding).toMatchObject({ rule: 'rt.backend.missing', severity: 'error', layer: 'entry', key: 'rt.backend.missing|HTTPRoute/shop/r|0.0' });
    expect(finding.message).toBe('HTTPRoute shop/r rule 1 sends traffic to Service shop/cart, which does not exist (its share of requests gets HTTP 500).');
    expect(finding.objects).toEqual(['HTTPRoute/shop/r', 'Service/shop/cart']);
  });

  it('says when the port is the container port, or not exposed, or unset', () => {
    expect(findingsOf(rules, [web, withBackends([{ name: 'web', port: 8080 }])])[0].message).toContain('port 8080, which is the container port (targetPort) behind Service port 80');
    expect(findingsOf(rules, [web, withBackends([{ name: 'web', port: 81 }])])[0].message).toContain('port 81, which the Service does not expose (ports: 80 (http))');
    expect(findingsOf(rules, [web, withBackends([{ name: 'web' }], 'GRPCRoute')])[0].message).toBe('GRPCRoute shop/r rule 1 sends traffic to Service shop/web, but the backendRef sets no port (its share of calls fails).');
  });

  it('looks in backendRef.namespace, and reports a namespace that does not exist when Namespaces are visible', () => {
    const cross = withBackends([{ name: 'web', namespace: 'backend', port: 80 }]);
    expect(findingsOf(rules, [web, namespace('shop'), namespace('backend'), cross])[0].message).toContain('Service backend/web, which does not exist');
    expect(findingsOf(rules, [web, namespace('shop'), cross])[0].message).toContain('whose namespace backend does not exist');
    expect(findingsOf(rules, [web, service('backend', 'web', { ports: [{ port: 80 }] }), cross])).toEqual([]);
  });

  it('does not fire for a good backend, non-Service backends, or an unseen namespace without Namespace objects; warns for weight 0', () => {
    expect(findingsOf(rules, [web, withBackends([{ name: 'web', port: 80 }])])).toEqual([]);
    expect(findingsOf(rules, [withBackends([{ group: 'example.com', kind: 'Bucket', name: 'b' }])])).toEqual([]);
    expect(findingsOf(rules, [withBackends([{ name: 'web', namespace: 'elsewhere', port: 80 }])])).toEqual([]);
    expect(findingsOf(rules, [web, withBackends([{ name: 'web', port: 80 }, { name: 'old', port: 80, weight: 0 }])])[0].severity).toBe('warning');
  });
});
