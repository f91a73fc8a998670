import { defineRule, describe } from '../DiagnosticContext';
import { isFirstPolicy } from './networkPolicies';

export const npNotEnforced = defineRule({
  id: 'np.not-enforced',
  severity: 'warning',
  layer: 'policy',
  title: 'NetworkPolicies are not enforced',
  subject: 'NetworkPolicy',
  hint: 'Install a policy-capable CNI or plugin; until then treat policies as documentation.',
  doc: {
    condition:
      'The namespace has NetworkPolicies and the cluster profile says the CNI found in kube-system DaemonSets does not enforce them (kube-flannel-ds without canal or kube-network-policies, kindnet, aws-node without its network-policy agent, and no Calico, Cilium, Antrea, Weave or kube-router). Reported once per namespace, on its first policy by name.',
    example: 'NetworkPolicy shop/default-deny and 3 more in shop are not enforced: the cluster runs Flannel (kube-system/kube-flannel-ds), which does not enforce NetworkPolicy.',
    anchors: 'None of the anchors checks this (Radar only mentions it in a comment). Strata reads the CNI from DaemonSet names, containers and flags, never from ConfigMaps, so the exact mode (e.g. cilium-config policy-enforcement-mode) is not seen.',
    standIn: 'The CNI\'s own ConfigMap would say for sure; the DaemonSets it runs stand in for it.',
  },
  check(policy, context) {
    const profile = context.profile();
    if (profile.policyEnforcement !== 'not-enforced') return undefined;
    // Once per namespace: the policies share one cause.
    if (!isFirstPolicy(policy, context)) return undefined;
    const cnis = profile.cni.filter((c) => c.enforcesNetworkPolicy === false);
    // Evidence names the DaemonSets as `namespace/name` first: enough to point at them.
    const daemonSets = cnis.flatMap((c) => c.evidence.flatMap((e) => /\b([a-z0-9-]+\/[a-z0-9.-]+)/.exec(e)?.[1] ?? []));
    const named = cnis.length ? cnis.map((c) => c.name).join(' and ') : 'a CNI';
    const where = daemonSets.length ? ` (${daemonSets.join(', ')})` : '';
    const others = context.inNamespace('NetworkPolicy').length - 1;
    return {
      message: `${describe(policy)}${others ? ` and ${others} more in ${policy.metadata.namespace}` : ''} ${others ? 'are' : 'is'} not enforced: the cluster runs ${named}${where}, which does not enforce NetworkPolicy.`,
      evidence: [
        { field: 'cluster profile policyEnforcement', value: profile.policyEnforcement },
        ...cnis.map((c) => ({ field: `CNI ${c.name}`, value: [...c.evidence, ...(c.note ? [c.note] : [])].join('; ') || 'recognised by its DaemonSet' })),
      ],
      hint: 'Install a policy-capable CNI or plugin (Calico, Cilium, kube-network-policies …); until then treat these policies as documentation.',
      objects: daemonSets.map((ds) => `DaemonSet/${ds}`),
    };
  },
});
