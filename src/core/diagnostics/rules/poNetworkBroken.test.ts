import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../testing/diagnostics';
import { kube, pod } from '../../testing/manifests';
import { poNetworkBroken } from './poNetworkBroken';

describe('po.network.broken', () => {
  it('fires for a Running pod with no pod IP', () => {
    const findings = findingsOf(poNetworkBroken, [pod('shop', 'cart-1', { node: 'worker-2' })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'po.network.broken', severity: 'error', layer: 'pods', objects: ['Pod/shop/cart-1', 'Node/worker-2'] });
    expect(findings[0].message).toBe('Pod shop/cart-1 on Node worker-2 is Running but has no pod IP.');
  });

  it('fires once for pods of the namespace sharing a pod IP, naming the others', () => {
    const findings = findingsOf(poNetworkBroken, [
      pod('shop', 'search-1', { node: 'worker-1', ip: '10.244.2.17' }),
      pod('shop', 'cart-1', { node: 'worker-2', ip: '10.244.2.17' }),
      pod('shop', 'web-1', { node: 'worker-2', ip: '10.244.2.18' }),
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toBe('Pod shop/cart-1 on Node worker-2 shares pod IP 10.244.2.17 with Pod shop/search-1 on Node worker-1.');
    expect(findings[0].objects).toEqual(['Pod/shop/cart-1', 'Pod/shop/search-1', 'Node/worker-2', 'Node/worker-1']);
    expect(findings[0].key).toBe('po.network.broken|Pod/shop/cart-1|ip:10.244.2.17');
  });

  it('does not fire for hostNetwork pods, pending or finished pods, distinct IPs, or the same IP in another namespace', () => {
    expect(findingsOf(poNetworkBroken, [pod('shop', 'agent-1', { node: 'worker-1', hostNetwork: true, ip: '192.168.0.2' }), pod('shop', 'agent-2', { node: 'worker-1', hostNetwork: true, ip: '192.168.0.2' })])).toEqual([]);
    expect(findingsOf(poNetworkBroken, [pod('shop', 'agent-1', { node: 'worker-1', hostNetwork: true })])).toEqual([]);
    const pending = kube({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'new', namespace: 'shop' }, spec: { nodeName: 'worker-1', containers: [{ name: 'app' }] }, status: { phase: 'Pending' } });
    const done = kube({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job', namespace: 'shop' }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Succeeded', podIP: '10.244.1.5' } });
    expect(findingsOf(poNetworkBroken, [pending, done, pod('shop', 'web-1', { ip: '10.244.1.5' })])).toEqual([]);
    expect(findingsOf(poNetworkBroken, [pod('shop', 'a', { ip: '10.244.1.5' }), pod('shop', 'b', { ip: '10.244.1.6' })])).toEqual([]);
    expect(findingsOf(poNetworkBroken, [pod('shop', 'a', { ip: '10.244.1.5' }), pod('blog', 'a', { ip: '10.244.1.5' })])).toEqual([]);
  });
});
