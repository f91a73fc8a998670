import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { endpointSlice } from '../../testing/endpoints';
import { findingsOf, TEST_NOW } from '../../testing/diagnostics';
import { IncrementalDiagnostics } from '../IncrementalDiagnostics';
import { kube, node, service } from '../../testing/manifests';
import { noNetworkDownWithEndpoints } from './noNetworkDownWithEndpoints';

const cart = service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });

/** An EndpointSlice of shop/cart with one endpoint per [pod, node, ready]. */
const cartSlice = (name: string, endpoints: [string, string, boolean][], addressType = 'IPv4') =>
  endpointSlice('shop', name, 'cart', endpoints.map(([pod, node, ready]) => ({ pod, node, ready })), { addressType });

function nodeWith(name: string, conditions: { type: string; status: string }[]): KubeObject {
  return kube({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { conditions } });
}

/** A calico-node DaemonSet pod on `nodeName`, Ready or not. */
function calico(nodeName: string, ready: boolean): KubeObject {
  return kube({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `calico-node-${nodeName}`, namespace: 'kube-system', ownerReferences: [{ kind: 'DaemonSet', name: 'calico-node', controller: true }] },
    spec: { nodeName, hostNetwork: true, containers: [{ name: 'calico-node' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: [{ name: 'calico-node', ready, state: { running: {} } }] },
  });
}

describe('no.network-down-with-endpoints', () => {
  it('fires per Service and Node for ready endpoints on a NotReady Node, counting dual-stack endpoints once', () => {
    const objects = [
      cart,
      node('worker-1'),
      nodeWith('worker-2', [{ type: 'Ready', status: 'Unknown' }, { type: 'NetworkUnavailable', status: 'True' }]),
      cartSlice('cart-v4', [['cart-a', 'worker-1', true], ['cart-b', 'worker-2', true], ['cart-c', 'worker-2', true]]),
      cartSlice('cart-v6', [['cart-b', 'worker-2', true]], 'IPv6'),
    ];
    const findings = findingsOf(noNetworkDownWithEndpoints, objects);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'no.network-down-with-endpoints', severity: 'error', layer: 'nodes', key: 'no.network-down-with-endpoints|Service/shop/cart|worker-2' });
    expect(findings[0].message).toBe('Service shop/cart has 2 ready endpoints (cart-b, cart-c) on Node worker-2, which is NotReady and has NetworkUnavailable=True.');
    expect(findings[0].objects).toEqual(['Service/shop/cart', 'Node/worker-2', 'EndpointSlice/shop/cart-v4', 'EndpointSlice/shop/cart-v6']);
  });

  it('fires when the CNI pod on a Ready Node is not Ready', () => {
    const [finding] = findingsOf(noNetworkDownWithEndpoints, [cart, node('worker-1'), calico('worker-1', false), cartSlice('cart-v4', [['cart-a', 'worker-1', true]])]);
    expect(finding.message).toContain('1 ready endpoint (cart-a) on Node worker-1, which runs Pod kube-system/calico-node-worker-1, which is not Ready');
    expect(finding.objects).toContain('Pod/kube-system/calico-node-worker-1');
    expect(finding.hint).toContain('Fix Pod kube-system/calico-node-worker-1');
  });

  it('does not fire for healthy Nodes, unready endpoints, unknown Nodes or a Ready CNI pod', () => {
    expect(findingsOf(noNetworkDownWithEndpoints, [cart, node('worker-1'), calico('worker-1', true), cartSlice('s', [['cart-a', 'worker-1', true]])])).toEqual([]);
    expect(findingsOf(noNetworkDownWithEndpoints, [cart, nodeWith('worker-2', [{ type: 'Ready', status: 'False' }]), cartSlice('s', [['cart-b', 'worker-2', false]])])).toEqual([]);
    expect(findingsOf(noNetworkDownWithEndpoints, [cart, cartSlice('s', [['cart-b', 'worker-9', true]])])).toEqual([]);
  });

  it('re-checks the Service namespace when the Node goes NotReady', () => {
    const diagnostics = new IncrementalDiagnostics({ rules: [noNetworkDownWithEndpoints], clock: () => TEST_NOW });
    const slice = cartSlice('s', [['cart-a', 'worker-1', true]]);
    diagnostics.update({ objects: [cart, node('worker-1'), slice] });
    expect(diagnostics.findings()).toEqual([]);
    const rechecked = diagnostics.update({ objects: [cart, nodeWith('worker-1', [{ type: 'Ready', status: 'False' }]), slice] });
    expect(rechecked.has('shop')).toBe(true);
    expect(diagnostics.findings().map((f) => f.key)).toEqual(['no.network-down-with-endpoints|Service/shop/cart|worker-1']);
  });
});
