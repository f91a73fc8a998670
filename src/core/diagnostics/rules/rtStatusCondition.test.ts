import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { findingsOf } from '../../testing/diagnostics';
import { service } from '../../testing/manifests';
import { cond, gateway, parentStatus, route } from '../../testing/gatewayApi';
import { rtStatusCondition, rtStatusConditionGrpc } from './rtStatusCondition';

const rules = [rtStatusCondition, rtStatusConditionGrpc];
const gw = gateway('shop', 'public');
const web = service('shop', 'web', { ports: [{ port: 80 }] });
const withStatus = (conditions: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
  route('shop', 'r', { status: { parents: [parentStatus({ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'shop', name: 'public' }, conditions)] }, ...extra });

describe('rt.status.condition', () => {
  it('surfaces ResolvedRefs=False with the reason and a reason-specific hint', () => {
    const [finding] = findingsOf(rules, [gw, web, withStatus([cond('Accepted', 'True'), cond('ResolvedRefs', 'False', 'UnsupportedProtocol', 'appProtocol grpc-web')])]);
    expect(finding).toMatchObject({ rule: 'rt.status.condition', severity: 'error', layer: 'entry', key: 'rt.status.condition|HTTPRoute/shop/r|0.ResolvedRefs' });
    expect(finding.message).toBe('HTTPRoute shop/r has references Gateway shop/public cannot resolve: ResolvedRefs=False (UnsupportedProtocol): appProtocol grpc-web.');
    expect(finding.hint).toContain('appProtocol');
    expect(finding.objects).toEqual(['HTTPRoute/shop/r', 'Gateway/shop/public']);
  });

  it('surfaces Accepted=False, and PartiallyInvalid=True as a warning', () => {
    const conditions = [cond('Accepted', 'False', 'IncompatibleFilters'), cond('PartiallyInvalid', 'True', 'UnsupportedValue', 'Dropped Rule 2')];
    const findings = findingsOf(rules, [gw, web, withStatus(conditions, { kind: 'GRPCRoute' })]);
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ['error', 'GRPCRoute shop/r is not accepted by Gateway shop/public: Accepted=False (IncompatibleFilters).'],
      ['warning', 'GRPCRoute shop/r is partly dropped by Gateway shop/public: PartiallyInvalid=True (UnsupportedValue): Dropped Rule 2.'],
    ]);
  });

  it('warns when a parent never wrote status, 5 minutes after creation', () => {
    const [finding] = findingsOf(rules, [gw, web, route('shop', 'r', { ageMinutes: 7, status: { parents: [] } })]);
    expect(finding.severity).toBe('warning');
    expect(finding.message).toBe('HTTPRoute shop/r has no status from Gateway shop/public 7 minutes after its creation: no controller has reconciled it for this parent.');
  });

  it('does not fire for healthy status, a fresh route, a missing Gateway, or what a spec rule already explains', () => {
    expect(findingsOf(rules, [gw, web, withStatus([cond('Accepted', 'True'), cond('ResolvedRefs', 'True')])])).toEqual([]);
    expect(findingsOf(rules, [gw, web, route('shop', 'r', { ageMinutes: 2, status: { parents: [] } })])).toEqual([]);
    // No status field at all (a recording made before Strata kept it): unknown, so nothing is said.
    const { status: _dropped, ...recordedBefore } = route('shop', 'r', { ageMinutes: 7 }) as Extract<KubeObject, { kind: 'HTTPRoute' }>;
    expect(findingsOf(rules, [gw, web, recordedBefore as KubeObject])).toEqual([]);
    expect(findingsOf(rules, [web, route('shop', 'r')])).toEqual([]);
    // The Service is missing: rt.backend.missing says so with the name.
    expect(findingsOf(rules, [gw, withStatus([cond('Accepted', 'True'), cond('ResolvedRefs', 'False', 'BackendNotFound')])])).toEqual([]);
    // The sectionName names no listener: rt.parent.not-attachable says so with the listeners.
    const noListener = route('shop', 'r', {
      parentRefs: [{ name: 'public', sectionName: 'https' }],
      status: { parents: [parentStatus({ name: 'public', sectionName: 'https' }, [cond('Accepted', 'False', 'NoMatchingParent')])] },
    });
    expect(findingsOf(rules, [gw, web, noListener])).toEqual([]);
  });
});
