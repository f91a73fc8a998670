import { describe, expect, it } from 'vitest';
import { service } from '../../testing/manifests';
import { endpointSlice } from '../../testing/endpoints';
import { findingsOf } from '../../testing/diagnostics';
import { svcSelectorlessNoEndpoints } from './svcSelectorlessNoEndpoints';

const slice = (namespace: string, name: string, serviceName: string) => endpointSlice(namespace, name, serviceName, [{ address: '192.168.0.2' }], { ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] });

/** The API server's own slice, present in every live cluster. */
const apiServerSlice = slice('default', 'kubernetes', 'kubernetes');
const legacy = service('shop', 'legacy-db', { ports: [{ name: 'pg', port: 5432 }] });

describe('svc.selectorless.no-endpoints', () => {
  it('fires for a selectorless Service with no EndpointSlice in a live cluster', () => {
    const findings = findingsOf(svcSelectorlessNoEndpoints, [legacy, apiServerSlice]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'svc.selectorless.no-endpoints', severity: 'error', layer: 'endpoints' });
    expect(findings[0].message).toBe('Service shop/legacy-db has no selector and no EndpointSlice labelled kubernetes.io/service-name=legacy-db, so it has no backends.');
    expect(findings[0].objects).toEqual(['Service/shop/legacy-db']);
  });

  it('does not fire with a slice for it, with a selector, for ExternalName, or when slices are not observed (manifests)', () => {
    expect(findingsOf(svcSelectorlessNoEndpoints, [legacy, apiServerSlice, slice('shop', 'legacy-db-1', 'legacy-db')])).toEqual([]);
    expect(findingsOf(svcSelectorlessNoEndpoints, [service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ port: 80 }] }), apiServerSlice])).toEqual([]);
    expect(findingsOf(svcSelectorlessNoEndpoints, [service('shop', 'ext', { type: 'ExternalName', externalName: 'db.example.com' }), apiServerSlice])).toEqual([]);
    expect(findingsOf(svcSelectorlessNoEndpoints, [legacy])).toEqual([]);
    // Near miss: a slice for another Service does not count, and shows slices are watched here.
    expect(findingsOf(svcSelectorlessNoEndpoints, [legacy, slice('shop', 'other-1', 'other')])).toHaveLength(1);
  });
});
