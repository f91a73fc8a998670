import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { kube, pod, service } from '../../testing/manifests';
import { findingsOf } from '../../testing/diagnostics';
import { svcTargetportNotDeclared } from './svcTargetportNotDeclared';

type Port = { name?: string; containerPort: number; protocol?: string };
const cartPod = (name: string, ports: Port[]) => pod('shop', name, { labels: { app: 'cart' }, ports });
const cart = (port: Record<string, unknown>) => service('shop', 'cart', { selector: { app: 'cart' }, ports: [port] });

/** A meshed pod: the app container declares nothing, the proxy declares its own port. */
function meshedPod(): KubeObject {
  return kube({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'cart-1', namespace: 'shop', labels: { app: 'cart' } },
    spec: { containers: [{ name: 'app' }, { name: 'istio-proxy', ports: [{ name: 'http-envoy-prom', containerPort: 15090 }] }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

describe('svc.targetport.not-declared', () => {
  it('fires when the number is not declared while the pods declare other ports', () => {
    const findings = findingsOf(svcTargetportNotDeclared, [cart({ name: 'http', port: 80, targetPort: 80 }), cartPod('cart-1', [{ name: 'http', containerPort: 8080 }]), cartPod('cart-2', [{ name: 'http', containerPort: 8080 }])]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'svc.targetport.not-declared', severity: 'warning', layer: 'service' });
    expect(findings[0].message).toBe('Service shop/cart port http (http 80→80/TCP) sends to port 80/TCP, which no selected pod declares; they declare http:8080/TCP.');
    expect(findings[0].objects).toEqual(['Service/shop/cart', 'Pod/shop/cart-1', 'Pod/shop/cart-2']);
  });

  it('fires on a protocol mismatch, and uses the port when targetPort is unset', () => {
    const [finding] = findingsOf(svcTargetportNotDeclared, [cart({ name: 'dns', port: 53, protocol: 'UDP' }), cartPod('cart-1', [{ containerPort: 53, protocol: 'TCP' }])]);
    expect(finding.message).toContain('sends to port 53/UDP, which no selected pod declares (it is declared for TCP only)');
    expect(finding.hint).toContain('protocol to TCP');
  });

  it('does not fire when a pod declares the port, when a pod declares none, or for mesh proxy ports only', () => {
    expect(findingsOf(svcTargetportNotDeclared, [cart({ port: 80, targetPort: 8080 }), cartPod('cart-1', [{ containerPort: 8080 }])])).toEqual([]);
    // One pod declares nothing and may listen on 80: no positive evidence.
    expect(findingsOf(svcTargetportNotDeclared, [cart({ port: 80, targetPort: 80 }), cartPod('cart-1', [{ containerPort: 8080 }]), cartPod('cart-2', [])])).toEqual([]);
    expect(findingsOf(svcTargetportNotDeclared, [cart({ port: 80, targetPort: 80 }), meshedPod()])).toEqual([]);
    expect(findingsOf(svcTargetportNotDeclared, [cart({ port: 80, targetPort: 'web' }), cartPod('cart-1', [{ containerPort: 8080 }])])).toEqual([]);
  });
});
