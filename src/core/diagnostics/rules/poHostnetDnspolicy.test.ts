import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/kube';
import { findingsOf } from '../../testing/diagnostics';
import { kube } from '../../testing/manifests';
import { poHostnetDnspolicy } from './poHostnetDnspolicy';

/** A running pod of `namespace` with hostNetwork, the given dnsPolicy and owner. */
function hostPod(name: string, dnsPolicy: string | undefined, owner?: { kind: string; name: string }, namespace = 'monitoring', created = '2026-11-23T01:00:00Z'): KubeObject {
  return kube({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, creationTimestamp: created, ...(owner ? { ownerReferences: [{ ...owner, controller: true }] } : {}) },
    spec: { hostNetwork: true, ...(dnsPolicy ? { dnsPolicy } : {}), containers: [{ name: 'app' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

const shipper = { kind: 'DaemonSet', name: 'log-shipper' };

describe('po.hostnet.dnspolicy', () => {
  it('fires once per workload, named by its oldest pod, for hostNetwork with ClusterFirst', () => {
    const findings = findingsOf(poHostnetDnspolicy, [
      hostPod('log-shipper-b', 'ClusterFirst', shipper, 'monitoring', '2026-11-23T01:30:00Z'),
      hostPod('log-shipper-a', 'ClusterFirst', shipper, 'monitoring', '2026-11-23T01:00:00Z'),
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'po.hostnet.dnspolicy', severity: 'info', layer: 'dns', key: 'po.hostnet.dnspolicy|DaemonSet/monitoring/log-shipper' });
    expect(findings[0].objects).toEqual(['DaemonSet/monitoring/log-shipper', 'Pod/monitoring/log-shipper-a']);
    expect(findings[0].message).toBe(
      "DaemonSet monitoring/log-shipper (2 pods, e.g. Pod monitoring/log-shipper-a) runs with hostNetwork and dnsPolicy ClusterFirst, so it uses the Node's DNS and cannot resolve Service names (*.svc).",
    );
  });

  it('keeps the key when the reporting pod is replaced', () => {
    const b = hostPod('log-shipper-b', 'ClusterFirst', shipper, 'monitoring', '2026-11-23T01:30:00Z');
    const before = findingsOf(poHostnetDnspolicy, [hostPod('log-shipper-a', 'ClusterFirst', shipper), b]);
    const after = findingsOf(poHostnetDnspolicy, [b, hostPod('log-shipper-c', 'ClusterFirst', shipper, 'monitoring', '2026-11-23T02:00:00Z')]);
    expect(after.map((f) => f.key)).toEqual(before.map((f) => f.key));
    expect(after[0].objects).toEqual(['DaemonSet/monitoring/log-shipper', 'Pod/monitoring/log-shipper-b']);
  });

  it('treats an unset dnsPolicy as ClusterFirst on a bare pod', () => {
    const [finding] = findingsOf(poHostnetDnspolicy, [hostPod('debug', undefined)]);
    expect(finding.message).toContain('Pod monitoring/debug runs with hostNetwork and dnsPolicy ClusterFirst (unset)');
    expect(finding.objects).toEqual(['Pod/monitoring/debug']);
  });

  it('does not fire with ClusterFirstWithHostNet or Default, for static pods, or for node network agents', () => {
    expect(findingsOf(poHostnetDnspolicy, [hostPod('a', 'ClusterFirstWithHostNet', shipper)])).toEqual([]);
    expect(findingsOf(poHostnetDnspolicy, [hostPod('a', 'Default', shipper)])).toEqual([]);
    expect(findingsOf(poHostnetDnspolicy, [hostPod('etcd-cp-1', 'ClusterFirst', { kind: 'Node', name: 'cp-1' }, 'kube-system')])).toEqual([]);
    expect(findingsOf(poHostnetDnspolicy, [hostPod('kube-proxy-x', 'ClusterFirst', { kind: 'DaemonSet', name: 'kube-proxy' }, 'kube-system')])).toEqual([]);
  });
});
