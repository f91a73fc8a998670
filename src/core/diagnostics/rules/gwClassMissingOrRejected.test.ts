import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { kube } from '../../testing/manifests';
import { cond, createdAgo, gateway, gatewayClass, GW_API } from '../../testing/gatewayApi';
import { gwClassMissingOrRejected } from './gwClassMissingOrRejected';

const gw = gateway('infra', 'public', { className: 'eg' });

describe('gw.class.missing-or-rejected', () => {
  it('fires when the class does not exist while other classes are visible, and names them', () => {
    const [finding] = findingsOf(gwClassMissingOrRejected, [gw, gatewayClass('envoy')]);
    expect(finding).toMatchObject({ rule: 'gw.class.missing-or-rejected', severity: 'error', layer: 'entry' });
    expect(finding.message).toBe('Gateway infra/public uses GatewayClass eg, which does not exist (classes: envoy).');
    expect(finding.objects).toEqual(['Gateway/infra/public', 'GatewayClass/eg']);
  });

  it('fires when the class is rejected or its version unsupported, with the reason', () => {
    const [rejected] = findingsOf(gwClassMissingOrRejected, [gw, gatewayClass('eg', [cond('Accepted', 'False', 'InvalidParameters', 'EnvoyProxy infra/custom not found')])]);
    expect(rejected.message).toContain('Accepted=False (InvalidParameters): EnvoyProxy infra/custom not found');
    expect(rejected.hint).toContain('parametersRef');
    const [version] = findingsOf(gwClassMissingOrRejected, [gw, gatewayClass('eg', [cond('Accepted', 'True'), cond('SupportedVersion', 'False', 'UnsupportedVersion')])]);
    expect(version.message).toContain('SupportedVersion=False (UnsupportedVersion)');
  });

  it('fires for a class still Pending after 5 minutes, not for a fresh one', () => {
    const pending = [cond('Accepted', 'Unknown', 'Pending', 'Waiting for controller')];
    expect(findingsOf(gwClassMissingOrRejected, [gw, gatewayClass('eg', pending)])[0].message).toContain('no controller has accepted (controllerName example.com/gateway)');
    const fresh = kube({ apiVersion: GW_API, kind: 'GatewayClass', metadata: { name: 'eg', creationTimestamp: createdAgo(1) }, spec: { controllerName: 'x' }, status: { conditions: pending } });
    expect(findingsOf(gwClassMissingOrRejected, [gw, fresh])).toEqual([]);
  });

  it('does not fire for an accepted class, or a missing one when no GatewayClass is visible at all', () => {
    expect(findingsOf(gwClassMissingOrRejected, [gw, gatewayClass('eg')])).toEqual([]);
    expect(findingsOf(gwClassMissingOrRejected, [gw])).toEqual([]);
    // A class without any status says nothing either way (offline manifests).
    expect(findingsOf(gwClassMissingOrRejected, [gw, gatewayClass('eg', [])])).toEqual([]);
  });
});
