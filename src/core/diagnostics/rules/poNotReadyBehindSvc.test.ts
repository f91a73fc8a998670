import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { findingsOf } from '../../testing/diagnostics';
import { kube, node, pod, service } from '../../testing/manifests';
import { poNotReadyBehindSvc } from './poNotReadyBehindSvc';

const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ port: 80, targetPort: 8080 }] });

interface Options {
  ready?: boolean | null;
  node?: string;
  owner?: string;
  created?: string;
  deleting?: boolean;
  /** The state of container app: running (not ready), or waiting with this reason. */
  waiting?: string;
}

/** A pod of app=cart whose Ready condition and container state are as given. */
function cartPod(name: string, options: Options = {}): KubeObject {
  const ready = options.ready === undefined ? false : options.ready;
  return kube({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: { app: 'cart' },
      creationTimestamp: options.created ?? '2026-11-23T01:00:00Z',
      ...(options.owner ? { ownerReferences: [{ kind: 'ReplicaSet', name: options.owner, controller: true }] } : {}),
      ...(options.deleting ? { deletionTimestamp: '2026-11-23T02:12:00Z' } : {}),
    },
    spec: { nodeName: options.node, containers: [{ name: 'app', image: 'cart:1' }] },
    status: {
      phase: 'Running',
      podIP: '10.244.0.9',
      conditions: ready === null ? [] : [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'app', ready: ready === true, state: options.waiting ? { waiting: { reason: options.waiting } } : { running: {} } }],
    },
  });
}

const notReadyNode = kube({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-2' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });

describe('po.not-ready-behind-svc', () => {
  it('fires once per Service and workload, counting the pods and saying why each is not Ready', () => {
    const objects = [
      cart,
      notReadyNode,
      node('worker-1'),
      cartPod('cart-7f9c-a', { owner: 'cart-7f9c', node: 'worker-1' }),
      cartPod('cart-7f9c-b', { owner: 'cart-7f9c', node: 'worker-2' }),
      cartPod('cart-7f9c-c', { owner: 'cart-7f9c', waiting: 'CrashLoopBackOff' }),
      cartPod('cart-7f9c-d', { owner: 'cart-7f9c' }),
      cartPod('cart-7f9c-e', { owner: 'cart-7f9c', ready: true }),
    ];
    const findings = findingsOf(poNotReadyBehindSvc, objects);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ rule: 'po.not-ready-behind-svc', severity: 'warning', layer: 'pods' });
    expect(finding.message).toContain('selects 4 of 5 pods of ReplicaSet shop/cart-7f9c that are not Ready');
    expect(finding.message).toContain('cart-7f9c-a (container app running but not ready (readiness probe failing))');
    expect(finding.message).toContain('cart-7f9c-b (Node worker-2 is NotReady)');
    expect(finding.message).toContain('cart-7f9c-c (container app is waiting: CrashLoopBackOff)');
    expect(finding.message).toContain('and 1 more');
    expect(finding.objects).toEqual(['Service/shop/cart', 'ReplicaSet/shop/cart-7f9c', 'Pod/shop/cart-7f9c-a', 'Pod/shop/cart-7f9c-b', 'Pod/shop/cart-7f9c-c', 'Node/worker-2']);
    expect(finding.key).toBe('po.not-ready-behind-svc|Service/shop/cart|ReplicaSet/shop/cart-7f9c');
  });

  it('names a bare pod, and points at a readiness gate', () => {
    const gated = kube({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'cart-solo', namespace: 'shop', labels: { app: 'cart' } },
      spec: { readinessGates: [{ conditionType: 'target-health.elbv2.k8s.aws/cart' }], containers: [{ name: 'app' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'app', ready: true, state: { running: {} } }] },
    });
    const [finding] = findingsOf(poNotReadyBehindSvc, [cart, gated]);
    expect(finding.message).toBe('Service shop/cart selects Pod shop/cart-solo, which is not Ready (readiness gate target-health.elbv2.k8s.aws/cart is not set).');
    expect(finding.hint).toContain('readiness gate');
    expect(finding.objects).toEqual(['Service/shop/cart', 'Pod/shop/cart-solo']);
  });

  it('does not fire for Ready, unknown, starting or terminating pods, nor for pods the Service does not select', () => {
    expect(findingsOf(poNotReadyBehindSvc, [cart, cartPod('cart-1', { ready: true })])).toEqual([]);
    expect(findingsOf(poNotReadyBehindSvc, [cart, cartPod('cart-1', { ready: null })])).toEqual([]);
    expect(findingsOf(poNotReadyBehindSvc, [cart, cartPod('cart-1', { created: '2026-11-23T02:12:30Z' })])).toEqual([]);
    expect(findingsOf(poNotReadyBehindSvc, [cart, cartPod('cart-1', { deleting: true })])).toEqual([]);
    expect(findingsOf(poNotReadyBehindSvc, [cart, pod('shop', 'web-1', { labels: { app: 'web' }, ready: false })])).toEqual([]);
  });
});
