import type { Pod } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { podRole } from '../../kube/wellKnownPods';
import { defineRule, describe } from '../DiagnosticContext';
import { isLivePod } from './pods';
import { perWorkload } from './workloads';

/**
 * A hostNetwork pod whose DNS policy sends it to the Node's resolver. Static pods (the control
 * plane) and the node network agents (CNI, kube-proxy) resolve no Service names, so they are left out.
 */
function isFaulty(pod: Pod): boolean {
  if (!pod.spec.hostNetwork || (pod.spec.dnsPolicy ?? 'ClusterFirst') !== 'ClusterFirst' || !isLivePod(pod)) return false;
  const owners = pod.metadata.ownerReferences ?? [];
  return !owners.some((o) => o.kind === 'Node') && podRole(pod) !== 'node-network';
}

/** The faulty pods of a workload report once, on the oldest of them. */
const sharing = perWorkload((pod) => (isFaulty(pod) ? [''] : []));

export const poHostnetDnspolicy = defineRule({
  id: 'po.hostnet.dnspolicy',
  // Many hostNetwork agents (node-exporter, MetalLB's speaker) never resolve cluster names: a hint, not a fault.
  severity: 'info',
  layer: 'dns',
  title: 'hostNetwork pod cannot resolve Service names',
  subject: 'Pod',
  hint: 'Set dnsPolicy: ClusterFirstWithHostNet in the pod template.',
  doc: {
    condition:
      'A pod with hostNetwork: true has dnsPolicy ClusterFirst or none (ClusterFirst is the default). For a hostNetwork pod the kubelet then falls back to the Node\'s resolv.conf, so `*.svc` names do not resolve. Static pods and node network agents (CNI, kube-proxy), which resolve no Service names, are left out. Checked on each Pod: the pods of one workload give one finding about the workload (its key stays as pods are replaced), naming the count and the oldest of them.',
    example: 'DaemonSet monitoring/log-shipper (12 pods, e.g. Pod monitoring/log-shipper-4xk2p) runs with hostNetwork and dnsPolicy ClusterFirst, so it uses the Node\'s DNS and cannot resolve Service names (*.svc).',
    anchors: 'None of the anchors checks this (kube-linter host-network is a security check only). Strata flags the DNS consequence and leaves out the system pods that do not need cluster DNS.',
  },
  check(pod, context) {
    const shared = isFaulty(pod) ? sharing(pod, '', context) : undefined;
    if (!shared) return undefined;
    const policy = pod.spec.dnsPolicy ?? 'ClusterFirst (unset)';
    return {
      message: `${shared.who} runs with hostNetwork and dnsPolicy ${policy}, so it uses the Node's DNS and cannot resolve Service names (*.svc).`,
      evidence: [
        { field: `${describe(pod)} spec.hostNetwork`, value: 'true' },
        { field: `${describe(pod)} spec.dnsPolicy`, value: policy },
      ],
      hint: 'Set dnsPolicy: ClusterFirstWithHostNet in the pod template.',
      subject: shared.workload.id,
      objects: [idOf(pod)],
    };
  },
});
