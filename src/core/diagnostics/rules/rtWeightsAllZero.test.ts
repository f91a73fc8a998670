import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { route } from '../../testing/gatewayApi';
import { rtWeightsAllZero, rtWeightsAllZeroGrpc } from './rtWeightsAllZero';

const rules = [rtWeightsAllZero, rtWeightsAllZeroGrpc];
const drained = { backendRefs: [{ name: 'web-v1', port: 80, weight: 0 }, { name: 'web-v2', port: 80, weight: 0 }] };

describe('rt.weights.all-zero', () => {
  it('fires for a rule whose backends all have weight 0 and no filters', () => {
    const [finding] = findingsOf(rules, [route('shop', 'web', { rules: [{ backendRefs: [{ name: 'web', port: 80 }] }, drained] })]);
    expect(finding).toMatchObject({ rule: 'rt.weights.all-zero', severity: 'error', layer: 'entry', key: 'rt.weights.all-zero|HTTPRoute/shop/web|1' });
    expect(finding.message).toBe('HTTPRoute shop/web rule 2 gives weight 0 to every backend (web-v1, web-v2) and has no filters, so every request it matches gets HTTP 500.');
    expect(finding.objects).toEqual(['HTTPRoute/shop/web']);
    expect(findingsOf(rules, [route('shop', 'api', { kind: 'GRPCRoute', rules: [drained] })])[0].message).toContain('so every call it matches fails');
  });

  it('does not fire with one live backend, an unset weight, filters, or no backends', () => {
    expect(findingsOf(rules, [route('shop', 'web', { rules: [{ backendRefs: [{ name: 'a', port: 80, weight: 0 }, { name: 'b', port: 80, weight: 1 }] }] })])).toEqual([]);
    expect(findingsOf(rules, [route('shop', 'web', { rules: [{ backendRefs: [{ name: 'a', port: 80, weight: 0 }, { name: 'b', port: 80 }] }] })])).toEqual([]);
    const redirect = { ...drained, filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] };
    expect(findingsOf(rules, [route('shop', 'web', { rules: [redirect] })])).toEqual([]);
    expect(findingsOf(rules, [route('shop', 'web', { rules: [{ filters: [{ type: 'RequestRedirect' }] }] })])).toEqual([]);
  });
});
