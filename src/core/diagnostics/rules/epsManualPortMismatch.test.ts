import { describe, expect, it } from 'vitest';
import { service } from '../../testing/manifests';
import { endpointSlice, type SliceOptions } from '../../testing/endpoints';
import { findingsOf } from '../../testing/diagnostics';
import { epsManualPortMismatch } from './epsManualPortMismatch';

const slice = (options: SliceOptions & { ports: { name?: string; port: number; protocol?: string }[] }) =>
  endpointSlice('shop', 'legacy-db-1', 'legacy-db', [{ address: options.addressType === 'FQDN' ? 'db.example.com' : '192.168.10.5' }], options);

const legacy = service('shop', 'legacy-db', { ports: [{ name: 'pg', port: 5432 }] });

describe('eps.manual.port-mismatch', () => {
  it('fires when a hand-made slice port name matches no Service port', () => {
    const findings = findingsOf(epsManualPortMismatch, [legacy, slice({ ports: [{ name: 'postgres', port: 5432 }] })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'eps.manual.port-mismatch', severity: 'error', layer: 'endpoints' });
    expect(findings[0].message).toBe('EndpointSlice shop/legacy-db-1 port "postgres"/TCP matches no port of Service shop/legacy-db (its ports are "pg"/TCP), so kube-proxy routes nothing to its endpoints on that port.');
    expect(findings[0].objects).toEqual(['EndpointSlice/shop/legacy-db-1', 'Service/shop/legacy-db']);
  });

  it('fires on a protocol mismatch, an FQDN slice, and points mirrored slices at the Endpoints object', () => {
    const [udp] = findingsOf(epsManualPortMismatch, [legacy, slice({ ports: [{ name: 'pg', port: 5432, protocol: 'UDP' }], managedBy: 'endpointslicemirroring-controller.k8s.io' })]);
    expect(udp.message).toContain('port "pg"/UDP matches no port');
    expect(udp.hint).toContain('v1 Endpoints object shop/legacy-db');
    const [fqdn] = findingsOf(epsManualPortMismatch, [legacy, slice({ ports: [{ name: 'pg', port: 5432 }], addressType: 'FQDN' })]);
    expect(fqdn.message).toContain('addressType FQDN, which kube-proxy ignores');
  });

  it('does not fire on matching names (unnamed included), controller-managed slices, or slices of no Service', () => {
    expect(findingsOf(epsManualPortMismatch, [legacy, slice({ ports: [{ name: 'pg', port: 5432 }] })])).toEqual([]);
    const unnamed = service('shop', 'legacy-db', { ports: [{ port: 5432 }] });
    expect(findingsOf(epsManualPortMismatch, [unnamed, slice({ ports: [{ port: 5432 }] })])).toEqual([]);
    expect(findingsOf(epsManualPortMismatch, [legacy, slice({ ports: [{ name: 'postgres', port: 5432 }], managedBy: 'endpointslice-controller.k8s.io' })])).toEqual([]);
    expect(findingsOf(epsManualPortMismatch, [slice({ ports: [{ name: 'postgres', port: 5432 }] })])).toEqual([]);
  });
});
