import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { findingsOf } from '../../testing/diagnostics';
import { kube } from '../../testing/manifests';
import { poHostportConflict } from './poHostportConflict';

interface Options {
  node?: string;
  hostIP?: string;
  protocol?: string;
  owner?: string;
  /** The scheduler's message for a pod it could not place. */
  unschedulable?: string;
}

/** A pod of shop with one container asking for host port `hostPort`. */
function hostPortPod(name: string, hostPort: number, options: Options = {}): KubeObject {
  return kube({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', creationTimestamp: '2026-11-23T01:00:00Z', ...(options.owner ? { ownerReferences: [{ kind: 'ReplicaSet', name: options.owner, controller: true }] } : {}) },
    spec: { nodeName: options.node, containers: [{ name: 'proxy', ports: [{ containerPort: 8443, hostPort, protocol: options.protocol, hostIP: options.hostIP }] }] },
    status: options.unschedulable
      ? {
          phase: 'Pending',
          conditions: [
            { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: options.unschedulable },
            { type: 'Ready', status: 'False' },
          ],
        }
      : { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

describe('po.hostport.conflict', () => {
  it('fires once, on the later pod, when two pods on one Node share a host port', () => {
    const findings = findingsOf(poHostportConflict, [hostPortPod('proxy-a', 8443, { node: 'worker-1' }), hostPortPod('proxy-b', 8443, { node: 'worker-1', hostIP: '192.168.0.2' })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'po.hostport.conflict', severity: 'error', layer: 'pods', key: 'po.hostport.conflict|Pod/shop/proxy-b|TCP/8443' });
    expect(findings[0].message).toBe('Pod shop/proxy-b on Node worker-1 asks for host port 192.168.0.2:8443/TCP, which Pod shop/proxy-a on the same Node already holds.');
    expect(findings[0].objects).toEqual(['Pod/shop/proxy-b', 'Pod/shop/proxy-a', 'Node/worker-1']);
  });

  it('fires once per workload when the scheduler found no Node with the port free', () => {
    const message = "0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports.";
    const findings = findingsOf(poHostportConflict, [
      hostPortPod('proxy-7f-a', 8443, { owner: 'proxy-7f', unschedulable: message }),
      hostPortPod('proxy-7f-b', 8443, { owner: 'proxy-7f', unschedulable: message }),
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toBe('ReplicaSet shop/proxy-7f (2 pods, e.g. Pod shop/proxy-7f-a) cannot be scheduled: no Node has its host ports 8443/TCP free.');
    expect(findings[0]).toMatchObject({ key: 'po.hostport.conflict|ReplicaSet/shop/proxy-7f|unschedulable', objects: ['ReplicaSet/shop/proxy-7f', 'Pod/shop/proxy-7f-a'] });
    // Replacing the reporting pod keeps the key.
    const [after] = findingsOf(poHostportConflict, [hostPortPod('proxy-7f-b', 8443, { owner: 'proxy-7f', unschedulable: message })]);
    expect(after.key).toBe(findings[0].key);
  });

  it('does not fire on different Nodes, protocols, host IPs or ports, nor for other scheduling failures', () => {
    expect(findingsOf(poHostportConflict, [hostPortPod('a', 8443, { node: 'worker-1' }), hostPortPod('b', 8443, { node: 'worker-2' })])).toEqual([]);
    expect(findingsOf(poHostportConflict, [hostPortPod('a', 53, { node: 'worker-1' }), hostPortPod('b', 53, { node: 'worker-1', protocol: 'UDP' })])).toEqual([]);
    expect(findingsOf(poHostportConflict, [hostPortPod('a', 80, { node: 'worker-1', hostIP: '10.0.0.1' }), hostPortPod('b', 80, { node: 'worker-1', hostIP: '10.0.0.2' })])).toEqual([]);
    expect(findingsOf(poHostportConflict, [hostPortPod('a', 80, { node: 'worker-1' }), hostPortPod('b', 81, { node: 'worker-1' })])).toEqual([]);
    expect(findingsOf(poHostportConflict, [hostPortPod('a', 80, { unschedulable: '0/3 nodes are available: 3 Insufficient cpu.' })])).toEqual([]);
  });
});
