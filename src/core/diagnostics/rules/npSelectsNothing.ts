import type { LabelSelector, Pod } from '../../../shared/kube';
import { matchesLabelSelector } from '../../selectors';
import { defineRule, describe, formatLabels } from '../DiagnosticContext';
import { compiledPolicy, formatSelector, isEmptySelector, workloadMatching } from './networkPolicies';
import { workloadKey } from './workloads';

const selectorKeys = (selector: LabelSelector) => new Set([...Object.keys(selector.matchLabels ?? {}), ...(selector.matchExpressions ?? []).map((e) => e.key)]);

/** What the namespace's pods carry under the selector's own keys: `app=carts, app=web`, so a typo shows. */
function valuesUnderKeys(keys: ReadonlySet<string>, pods: readonly Pod[]): string {
  const seen = new Set<string>();
  for (const pod of pods) for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) if (keys.has(k)) seen.add(`${k}=${v}`);
  return [...seen].sort().slice(0, 5).join(', ');
}

export const npSelectsNothing = defineRule({
  id: 'np.selects-nothing',
  severity: 'warning',
  layer: 'policy',
  title: 'NetworkPolicy selects no pods',
  subject: 'NetworkPolicy',
  hint: 'Fix spec.podSelector or the pod labels so that they agree; a policy that selects nothing protects nothing.',
  doc: {
    condition:
      'The NetworkPolicy is valid, its spec.podSelector is not empty, and the policy engine finds no pod of its namespace that it selects (matchLabels and matchExpressions together). Not when a workload template of the namespace matches (a CronJob between runs, a Deployment scaled to 0), nor when only hostNetwork pods match (np.eval-uncertain says that).',
    example: 'NetworkPolicy shop/cart-ingress selects app=cart, which no pod in shop matches; pods there carry app=carts, app=web.',
    anchors: 'Popeye 1200, kube-linter dangling-networkpolicy (templates only), k8sgpt (matchLabels only, and in the wrong namespace). Strata uses full LabelSelector semantics through the policy engine, lists the values pods carry under the same keys, and stays quiet for workloads whose pods are not running right now.',
  },
  check(policy, context) {
    const compiled = compiledPolicy(policy, context);
    const selector = compiled?.subject?.pods;
    if (!compiled || !selector || isEmptySelector(selector)) return undefined;
    const namespace = policy.metadata.namespace ?? '';
    const pods = context.inNamespace('Pod');
    const engine = context.localPolicy();
    if (pods.some((pod) => engine.selects(compiled, pod))) return undefined;
    // hostNetwork pods the labels match are not selected by any policy: np.eval-uncertain reports them.
    if (pods.some((pod) => pod.spec.hostNetwork && matchesLabelSelector(pod.metadata.labels, selector))) return undefined;
    if (workloadMatching(context, namespace, selector)) return undefined;
    const keys = selectorKeys(selector);
    const near = valuesUnderKeys(keys, pods);
    const nearPod = pods.find((pod) => Object.keys(pod.metadata.labels ?? {}).some((k) => keys.has(k)));
    const evidence = [{ field: `${describe(policy)} spec.podSelector`, value: formatSelector(selector) }];
    if (nearPod) evidence.push({ field: `${describe(nearPod)} metadata.labels`, value: formatLabels(nearPod.metadata.labels) });
    return {
      message: `${describe(policy)} selects ${formatSelector(selector)}, which no pod in ${namespace} matches${near ? `; pods there carry ${near}` : pods.length === 0 ? ' (the namespace has no pods)' : ''}.`,
      evidence,
      hint: near ? 'Fix spec.podSelector or the pod labels so that they agree; a policy that selects nothing protects nothing.' : 'Deploy the pods this policy is for, or fix spec.podSelector.',
      objects: nearPod ? [workloadKey(nearPod, context).id] : [],
    };
  },
});
