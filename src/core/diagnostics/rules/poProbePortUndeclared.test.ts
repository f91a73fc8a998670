import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { findingsOf } from '../../testing/diagnostics';
import { kube } from '../../testing/manifests';
import { poProbePortUndeclared } from './poProbePortUndeclared';

type RawContainer = Record<string, unknown>;

/** A running pod of shop with the given containers, owned by ReplicaSet `owner` when given. */
function probedPod(name: string, containers: RawContainer[], owner?: string, created = '2026-11-23T01:00:00Z'): KubeObject {
  return kube({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', creationTimestamp: created, ...(owner ? { ownerReferences: [{ kind: 'ReplicaSet', name: owner, controller: true }] } : {}) },
    spec: { containers },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

const app = (readinessPort: number | string, ports = [{ name: 'http', containerPort: 8080 }]): RawContainer => ({ name: 'app', ports, readinessProbe: { httpGet: { path: '/healthz', port: readinessPort } } });

describe('po.probe-port.undeclared', () => {
  it('is an error for a port name the container does not declare, once per workload, named by its oldest pod', () => {
    const pods = [
      probedPod('cart-7f9c-b', [app('health')], 'cart-7f9c', '2026-11-23T01:05:00Z'),
      probedPod('cart-7f9c-a', [app('health')], 'cart-7f9c', '2026-11-23T01:00:00Z'),
      probedPod('cart-7f9c-c', [app('health')], 'cart-7f9c', '2026-11-23T01:10:00Z'),
    ];
    const findings = findingsOf(poProbePortUndeclared, pods);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'po.probe-port.undeclared', severity: 'error', layer: 'pods', key: 'po.probe-port.undeclared|ReplicaSet/shop/cart-7f9c|app/readiness' });
    expect(findings[0].message).toBe(
      'ReplicaSet shop/cart-7f9c (3 pods, e.g. Pod shop/cart-7f9c-a) has a readiness httpGet probe on port "health", which container app does not declare (it declares http:8080/TCP).',
    );
    expect(findings[0].objects).toEqual(['ReplicaSet/shop/cart-7f9c', 'Pod/shop/cart-7f9c-a']);
  });

  it('keeps the key when the reporting pod is replaced', () => {
    const b = probedPod('cart-7f9c-b', [app('health')], 'cart-7f9c', '2026-11-23T01:05:00Z');
    const before = findingsOf(poProbePortUndeclared, [probedPod('cart-7f9c-a', [app('health')], 'cart-7f9c', '2026-11-23T01:00:00Z'), b]);
    const after = findingsOf(poProbePortUndeclared, [b, probedPod('cart-7f9c-z', [app('health')], 'cart-7f9c', '2026-11-23T02:00:00Z')]);
    expect(after.map((f) => f.key)).toEqual(before.map((f) => f.key));
    expect(after[0].message).toContain('(2 pods, e.g. Pod shop/cart-7f9c-b)');
  });

  it('says when another container declares the name, and is info for an undeclared number', () => {
    const sidecar = { name: 'proxy', ports: [{ name: 'health', containerPort: 9901 }] };
    const [named] = findingsOf(poProbePortUndeclared, [probedPod('solo', [app('health'), sidecar])]);
    expect(named.severity).toBe('error');
    expect(named.message).toContain('container proxy does, but a probe');
    const [numbered] = findingsOf(poProbePortUndeclared, [probedPod('solo', [app(8081)])]);
    expect(numbered).toMatchObject({ severity: 'info', objects: ['Pod/shop/solo'] });
    expect(numbered.message).toContain('port 8081, which no container of the pod declares');
  });

  it('does not fire for declared ports, numbers declared by another container, containers with no ports, or Istio probe rewrites', () => {
    expect(findingsOf(poProbePortUndeclared, [probedPod('ok', [app('http')])])).toEqual([]);
    expect(findingsOf(poProbePortUndeclared, [probedPod('ok', [app(8080)])])).toEqual([]);
    expect(findingsOf(poProbePortUndeclared, [probedPod('ok', [app(9901), { name: 'proxy', ports: [{ containerPort: 9901 }] }])])).toEqual([]);
    expect(findingsOf(poProbePortUndeclared, [probedPod('ok', [app(8081, [])])])).toEqual([]);
    expect(findingsOf(poProbePortUndeclared, [probedPod('ok', [app(15020), { name: 'istio-proxy', ports: [{ containerPort: 15090 }] }])])).toEqual([]);
  });
});
