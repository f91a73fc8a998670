import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { kube } from '../../testing/manifests';
import { findingsOf } from '../../testing/diagnostics';
import { cond, gateway, gatewayClass } from '../../testing/gatewayApi';
import { gwNotProgrammed } from './gwNotProgrammed';

const eg = gatewayClass('example');

describe('gw.not-programmed', () => {
  it('fires when Programmed is False, with the reason and a reason-specific hint', () => {
    const gw = gateway('infra', 'public', { status: { conditions: [cond('Accepted', 'True'), cond('Programmed', 'False', 'AddressNotAssigned', 'no address available in pool default')] } });
    const [finding] = findingsOf(gwNotProgrammed, [gw, eg]);
    expect(finding).toMatchObject({ rule: 'gw.not-programmed', severity: 'error', layer: 'entry' });
    expect(finding.message).toBe('Gateway infra/public is not programmed: Programmed=False (AddressNotAssigned): no address available in pool default.');
    expect(finding.hint).toContain('address pool');
    expect(finding.objects).toEqual(['Gateway/infra/public']);
  });

  it('fires when Accepted is False', () => {
    const gw = gateway('infra', 'public', { status: { conditions: [cond('Accepted', 'False', 'ListenersNotValid'), cond('Programmed', 'False', 'Invalid')] } });
    expect(findingsOf(gwNotProgrammed, [gw, eg])[0].message).toContain('not accepted by its controller: Accepted=False (ListenersNotValid)');
  });

  it('fires when no controller wrote any condition 5 minutes after creation', () => {
    const [finding] = findingsOf(gwNotProgrammed, [gateway('infra', 'public', { status: {}, ageMinutes: 12 }), eg]);
    expect(finding.message).toBe('Gateway infra/public has no status conditions 12 minutes after its creation: no controller for GatewayClass example (controller example.com/gateway) has reconciled it.');
    expect(finding.objects).toContain('GatewayClass/example');
    const defaults = gateway('infra', 'public', { status: { conditions: [cond('Accepted', 'Unknown', 'Pending'), cond('Programmed', 'Unknown', 'Pending')] } });
    expect(findingsOf(gwNotProgrammed, [defaults, eg])[0].message).toContain('only Unknown status conditions');
  });

  it('does not fire for a programmed Gateway, a fresh one, a Pending one under 5 minutes, or when the class explains it', () => {
    expect(findingsOf(gwNotProgrammed, [gateway('infra', 'public'), eg])).toEqual([]);
    expect(findingsOf(gwNotProgrammed, [gateway('infra', 'public', { status: {}, ageMinutes: 2 }), eg])).toEqual([]);
    const pending = gateway('infra', 'public', { status: { conditions: [cond('Accepted', 'True'), cond('Programmed', 'False', 'Pending')] }, ageMinutes: 1 });
    expect(findingsOf(gwNotProgrammed, [pending, eg])).toEqual([]);
    // No status at all (a recording made before Strata kept conditions): unknown, so nothing is said.
    const stripped = kube({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'old', namespace: 'infra', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { gatewayClassName: 'example', listeners: [] } }) as Extract<KubeObject, { kind: 'Gateway' }>;
    const recordedBefore = { ...stripped, status: { addresses: [] } } as KubeObject;
    expect(findingsOf(gwNotProgrammed, [recordedBefore, eg])).toEqual([]);
    // The class is missing: gw.class.missing-or-rejected reports it instead.
    expect(findingsOf(gwNotProgrammed, [gateway('infra', 'public', { status: {}, className: 'nope' }), eg])).toEqual([]);
    // An older controller that sets Accepted only.
    expect(findingsOf(gwNotProgrammed, [gateway('infra', 'public', { status: { conditions: [cond('Accepted', 'True')] } }), eg])).toEqual([]);
  });
});
