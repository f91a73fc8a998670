/**
 * What the NetworkPolicy rules share: the engine's compiled form of a policy, selectors in words,
 * the policy that speaks for its namespace, and how sure a verdict is given what the cluster
 * profile says of enforcement.
 */
import type { Severity } from '../../../shared/diagnostics';
import type { LabelSelector, NetworkPolicy, Workload } from '../../../shared/kube';
import { idOf, WORKLOAD_KINDS } from '../../../shared/kube';
import type { CompiledPolicy } from '../../policy/compilePolicies';
import type { PolicyEngine } from '../../policy/PolicyEngine';
import { matchesLabelSelector } from '../../selectors';
import type { DiagnosticContext } from '../DiagnosticContext';

/** The engine's compiled policy; undefined when the API server would reject it (the engine does not enforce it). */
export function compiledPolicy(policy: NetworkPolicy, context: DiagnosticContext): CompiledPolicy | undefined {
  const compiled = compiledById(context.localPolicy()).get(idOf(policy));
  return compiled && compiled.problems.length === 0 ? compiled : undefined;
}

/** An engine's policies by id, indexed once per engine: a search of the list per policy is quadratic over the cluster. */
const byIdOf = new WeakMap<PolicyEngine, Map<string, CompiledPolicy>>();
function compiledById(engine: PolicyEngine): Map<string, CompiledPolicy> {
  let byId = byIdOf.get(engine);
  if (!byId) {
    byId = new Map();
    // The first of a duplicated id stands, as a search of the list would find it.
    for (const p of engine.policies) if (!byId.has(p.id)) byId.set(p.id, p);
    byIdOf.set(engine, byId);
  }
  return byId;
}

export const isEmptySelector = (selector: LabelSelector): boolean => Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;

/** `app=cart, tier In (web, api), !legacy`: a LabelSelector as kubectl would read it. */
export function formatSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator} (${(e.values ?? []).join(', ')})`);
  }
  return parts.length ? parts.join(', ') : '{} (everything)';
}

/** Whether the policy is its namespace's first by name: a finding the policies share is said once, there. */
export function isFirstPolicy(policy: NetworkPolicy, context: DiagnosticContext): boolean {
  const names = context.inNamespace('NetworkPolicy').map((p) => p.metadata.name);
  return names.every((name) => name >= policy.metadata.name);
}

/** A workload of a namespace whose pod template a selector picks: its pods may come later (a CronJob, a scaled-down Deployment). */
export function workloadMatching(context: DiagnosticContext, namespace: string, selector: LabelSelector): Workload | undefined {
  for (const kind of WORKLOAD_KINDS) {
    const found = context.inNamespace(kind, namespace).find((w) => !w.spec.template.hostNetwork && matchesLabelSelector(w.spec.template.labels, selector));
    if (found) return found;
  }
  return undefined;
}

/** A denial is certain only where the profile shows a CNI that enforces NetworkPolicy. */
export function enforcedSeverity(context: DiagnosticContext, severity: Severity): Severity {
  return context.profile().policyEnforcement === 'enforced' && !unmodelledApply(context) ? severity : severity === 'info' ? 'info' : 'warning';
}

/**
 * Whether CNI policies Strata does not evaluate (Cilium, Calico, Antrea) exist in this namespace
 * or cluster-wide: one of them may allow what the NetworkPolicies deny, or deny before them.
 */
export function unmodelledApply(context: DiagnosticContext): boolean {
  return context.inNamespace('UnmodelledPolicy').length > 0 || context.clusterScoped('UnmodelledPolicy').length > 0;
}

/** `; NetworkPolicy enforcement is not confirmed (…)`: said when a denial may not happen. */
export function enforcementNote(context: DiagnosticContext): string {
  if (unmodelledApply(context)) return ' (not modelled: CNI policies Strata does not evaluate apply here and may change this verdict)';
  const state = context.profile().policyEnforcement;
  if (state === 'enforced') return '';
  return state === 'not-enforced' ? ' (the CNI does not enforce NetworkPolicy yet, so this takes effect once it does)' : ' (if the CNI enforces NetworkPolicy; Strata could not tell)';
}
