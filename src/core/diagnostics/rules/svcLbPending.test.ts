import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { kube } from '../../testing/manifests';
import { findingsOf, TEST_NOW } from '../../testing/diagnostics';
import { svcLbPending } from './svcLbPending';

/** A LoadBalancer Service created `minutesAgo` before the test clock, with the given addresses. */
function lb(minutesAgo: number | undefined, options: { ingress?: { ip: string }[]; loadBalancerClass?: string } = {}): KubeObject {
  return kube({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop', ...(minutesAgo === undefined ? {} : { creationTimestamp: new Date(TEST_NOW - minutesAgo * 60_000).toISOString() }) },
    spec: { type: 'LoadBalancer', clusterIP: '10.96.0.20', selector: { app: 'web' }, ports: [{ port: 80 }], ...(options.loadBalancerClass ? { loadBalancerClass: options.loadBalancerClass } : {}) },
    status: { loadBalancer: { ingress: options.ingress ?? [] } },
  });
}

describe('svc.lb.pending', () => {
  it('fires when a LoadBalancer has had no address for more than 5 minutes', () => {
    const findings = findingsOf(svcLbPending, [lb(12)]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'svc.lb.pending', severity: 'warning', layer: 'entry' });
    expect(findings[0].message).toBe('Service shop/web is type LoadBalancer but has had no external address for 12 minutes since it was created.');
    expect(findings[0].objects).toEqual(['Service/shop/web']);
  });

  it('names the loadBalancerClass', () => {
    const [finding] = findingsOf(svcLbPending, [lb(60 * 24 * 3, { loadBalancerClass: 'example.com/internal' })]);
    expect(finding.message).toContain('of class example.com/internal');
    expect(finding.message).toContain('3 days');
  });

  it('does not fire within 5 minutes, with an address, or when the creation time is unknown', () => {
    expect(findingsOf(svcLbPending, [lb(4)])).toEqual([]);
    expect(findingsOf(svcLbPending, [lb(30, { ingress: [{ ip: '203.0.113.7' }] })])).toEqual([]);
    expect(findingsOf(svcLbPending, [lb(undefined)])).toEqual([]);
  });
});
