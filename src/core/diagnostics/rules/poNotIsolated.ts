import type { Pod } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import type { PolicyEngine } from '../../policy/PolicyEngine';
import { defineRule, describe, formatLabels, type DiagnosticContext } from '../DiagnosticContext';
import { isLiveHere, oncePerCheck } from './pods';
import { perWorkload } from './workloads';

/**
 * How this namespace's pods are governed, once per check: 'unknown' where CNI policies Strata does
 * not evaluate exist (one of them may well isolate a pod); no engine where no policy could select
 * them, so that policy changes elsewhere do not re-check this namespace.
 */
const governance = oncePerCheck((context): PolicyEngine | 'unknown' | undefined => {
  if (context.inNamespace('UnmodelledPolicy').length > 0 || context.clusterScoped('UnmodelledPolicy').length > 0) return 'unknown';
  const governed = context.inNamespace('NetworkPolicy').length > 0 || context.hasAny('AdminNetworkPolicy') || context.hasAny('BaselineAdminNetworkPolicy');
  return governed ? context.localPolicy() : undefined;
});

/** The isolation of every pod of the namespace off the host network, when they all have one (see `PolicyEngine.uniformIsolation`). */
const uniformIsolation = oncePerCheck((context) => {
  const engine = governance(context);
  return engine && engine !== 'unknown' ? engine.uniformIsolation(context.namespace) : undefined;
});

/** A running pod on the pod network that no policy isolates for ingress; ANPs and the BANP govern a pod as much as an isolating NetworkPolicy. */
function isOpen(pod: Pod, context: DiagnosticContext): boolean {
  if (!isLiveHere(pod, context) || pod.spec.hostNetwork) return false;
  const engine = governance(context);
  if (engine === 'unknown') return false;
  if (!engine) return true;
  // The policies deciding its ingress are its ANPs, its ingress-isolating NetworkPolicies and the BANP: open when there are none.
  const isolation = uniformIsolation(context) ?? engine.isolation(pod);
  return isolation.admin.length === 0 && !isolation.ingress.isolated && !isolation.baseline;
}

/** The open pods of a workload report once, on the oldest of them. */
const sharing = perWorkload((pod, context) => (isOpen(pod, context) ? [''] : []));

export const poNotIsolated = defineRule({
  id: 'po.not-isolated',
  severity: 'info',
  layer: 'policy',
  title: 'Workload not isolated by any NetworkPolicy',
  subject: 'Pod',
  hint: 'Add a default-deny plus allow rules.',
  doc: {
    condition:
      'Pods on the pod network (not hostNetwork, not deleting or finished) that no NetworkPolicy isolates for ingress and no AdminNetworkPolicy or BaselineAdminNetworkPolicy selects, as the policy engine sees them. One finding about each workload (its key stays as pods are replaced), naming the count and the oldest pod, and saying whether egress is open too. Not where CNI policies Strata does not evaluate exist in the namespace or cluster-wide.',
    example: 'Deployment shop/cart (3 pods, e.g. Pod shop/cart-7f9c-x2kq) is not isolated by any NetworkPolicy for ingress or egress: any pod in the cluster can connect to it.',
    anchors: 'Popeye 1204 (per pod), kube-linter non-isolated-pod (ignores policyTypes). Strata counts only policies that isolate ingress, honours ANPs and the BANP, and reports per workload.',
  },
  check(pod, context) {
    const shared = isOpen(pod, context) ? sharing(pod, '', context) : undefined;
    if (!shared) return undefined;
    const engine = governance(context);
    const egressOpen = !engine || engine === 'unknown' || shared.pods.every((p) => !engine.isolation(p).egress.isolated);
    const policies = context.inNamespace('NetworkPolicy').length;
    return {
      message: `${shared.who} is not isolated by any NetworkPolicy for ingress${egressOpen ? ' or egress' : ''}: any pod in the cluster can connect to it.`,
      evidence: [
        { field: `NetworkPolicies in ${pod.metadata.namespace}`, value: policies ? `${policies}, none isolates ingress for these pods` : 'none' },
        { field: `${describe(pod)} metadata.labels`, value: formatLabels(pod.metadata.labels) },
      ],
      hint: policies ? 'Cover these pods with a policy (a default-deny with podSelector {} plus allow rules).' : 'Add a default-deny policy (podSelector {}, policyTypes [Ingress]) to the namespace, plus the allow rules its workloads need.',
      subject: shared.workload.id,
      objects: [idOf(pod)],
    };
  },
});
