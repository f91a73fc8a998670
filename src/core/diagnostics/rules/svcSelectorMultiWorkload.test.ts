import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { kube, pod, service } from '../../testing/manifests';
import { findingsOf } from '../../testing/diagnostics';
import { svcSelectorMultiWorkload } from './svcSelectorMultiWorkload';

/** A ReplicaSet owned by a Deployment, as the Deployment controller makes it. */
function replicaSet(name: string, deployment: string): KubeObject {
  return kube({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, controller: true }] },
    spec: { selector: { matchLabels: { app: 'cart' } }, template: { metadata: { labels: { app: 'cart' } }, spec: { containers: [{ name: 'app' }] } } },
  });
}

const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ port: 80 }] });
const owned = (name: string, kind: string, owner: string, labels: Record<string, string> = {}) => pod('shop', name, { labels: { app: 'cart', ...labels }, owner: { kind, name: owner } });

describe('svc.selector.multi-workload', () => {
  it('fires when the selected pods belong to two Deployments', () => {
    const objects = [cart, replicaSet('cart-7f9c', 'cart'), replicaSet('cart-worker-5d4b', 'cart-worker'), owned('cart-7f9c-a', 'ReplicaSet', 'cart-7f9c'), owned('cart-7f9c-b', 'ReplicaSet', 'cart-7f9c'), owned('cart-worker-5d4b-a', 'ReplicaSet', 'cart-worker-5d4b')];
    const findings = findingsOf(svcSelectorMultiWorkload, objects);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'svc.selector.multi-workload', severity: 'warning', layer: 'service' });
    expect(findings[0].message).toBe('Service shop/cart selects pods of 2 workloads (Deployment shop/cart: 2 pods; Deployment shop/cart-worker: 1 pod), so its traffic is split between them.');
    expect(findings[0].objects).toEqual(['Service/shop/cart', 'Deployment/shop/cart', 'Deployment/shop/cart-worker']);
  });

  it('counts a Deployment and a StatefulSet as two', () => {
    const [finding] = findingsOf(svcSelectorMultiWorkload, [cart, replicaSet('cart-7f9c', 'cart'), owned('cart-7f9c-a', 'ReplicaSet', 'cart-7f9c'), owned('cart-db-0', 'StatefulSet', 'cart-db')]);
    expect(finding.objects).toContain('StatefulSet/shop/cart-db');
  });

  it("does not fire for one workload, a rollout's two ReplicaSets, or pods without owners", () => {
    const rollout = [cart, replicaSet('cart-7f9c', 'cart'), replicaSet('cart-66b8', 'cart'), owned('cart-7f9c-a', 'ReplicaSet', 'cart-7f9c'), owned('cart-66b8-a', 'ReplicaSet', 'cart-66b8')];
    expect(findingsOf(svcSelectorMultiWorkload, rollout)).toEqual([]);
    // ReplicaSets not seen: the pod-template-hash still ties them to one Deployment.
    const unseen = [cart, owned('cart-7f9c-a', 'ReplicaSet', 'cart-7f9c', { 'pod-template-hash': '7f9c' }), owned('cart-66b8-a', 'ReplicaSet', 'cart-66b8', { 'pod-template-hash': '66b8' })];
    expect(findingsOf(svcSelectorMultiWorkload, unseen)).toEqual([]);
    expect(findingsOf(svcSelectorMultiWorkload, [cart, replicaSet('cart-7f9c', 'cart'), owned('cart-7f9c-a', 'ReplicaSet', 'cart-7f9c'), pod('shop', 'debug', { labels: { app: 'cart' } })])).toEqual([]);
  });
});
