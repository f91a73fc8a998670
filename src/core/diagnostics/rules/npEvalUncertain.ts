import type { NetworkPolicy } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import type { CompiledPolicy } from '../../policy/compilePolicies';
import { matchesLabelSelector } from '../../selectors';
import { defineRule, describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { compiledPolicy, isFirstPolicy } from './networkPolicies';
import { declaredPorts, formatPorts, isLivePod, oncePerCheck } from './pods';
import { byWorkload } from './workloads';

/** CNI policies that can change this namespace's verdicts: its own, and the cluster-wide ones. Once per namespace, on its first policy by name. */
function unmodelled(policy: NetworkPolicy, context: DiagnosticContext): FindingDraft | undefined {
  if (!isFirstPolicy(policy, context)) return undefined;
  const found = [...context.inNamespace('UnmodelledPolicy'), ...context.clusterScoped('UnmodelledPolicy')];
  if (found.length === 0) return undefined;
  const kinds = new Map<string, number>();
  for (const p of found) kinds.set(p.policyKind, (kinds.get(p.policyKind) ?? 0) + 1);
  const listed = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ');
  const namespace = policy.metadata.namespace ?? '';
  return {
    message: `Verdicts for pods in ${namespace} are not modelled: ${listed} ${found.length === 1 ? 'applies' : 'apply'} there besides ${describe(policy)} and its siblings, and Strata evaluates only Kubernetes NetworkPolicies and (Baseline)AdminNetworkPolicies.`,
    evidence: [...kinds].map(([kind, n]) => ({ field: `${kind} in ${namespace} or cluster-wide`, value: String(n) })),
    hint: 'Check reachability in this namespace with the CNI\'s own tools (cilium policy trace, calicoctl); Strata\'s verdicts leave those policies out.',
    objects: found.slice(0, 5).map(idOf),
    detail: 'unmodelled',
  };
}

/** The namespace's live hostNetwork pods, found once per check for all its policies: most namespaces have none. */
const hostNetworkPods = oncePerCheck((context) => context.inNamespace('Pod').filter((p) => p.spec.hostNetwork && isLivePod(p)));

/** Pods the policy's labels match but that use their node's network: NetworkPolicy does not apply to them in a defined way. */
function hostNetwork(policy: NetworkPolicy, compiled: CompiledPolicy, context: DiagnosticContext): FindingDraft | undefined {
  const selector = compiled.subject?.pods ?? {};
  const pods = hostNetworkPods(context).filter((p) => matchesLabelSelector(p.metadata.labels, selector));
  if (pods.length === 0) return undefined;
  const groups = byWorkload(pods, context);
  return {
    severity: 'info',
    message: `${describe(policy)} selects hostNetwork pods of ${groups.map((g) => g.name).join(', ')}, which use their node's network: whether NetworkPolicy applies to them depends on the CNI, and Strata treats them as unselected.`,
    evidence: [{ field: `${describe(pods[0])} spec.hostNetwork`, value: 'true' }],
    hint: 'Do not rely on NetworkPolicy for hostNetwork pods; protect them on the node (host firewall) or run them off the host network.',
    objects: groups.map((g) => g.id),
    detail: 'host-network',
  };
}

/** Named ports in ingress rules that no selected pod declares: the entry allows nothing anywhere. */
function unresolvedNamedPorts(policy: NetworkPolicy, compiled: CompiledPolicy, context: DiagnosticContext): FindingDraft[] {
  // Most policies name no port: then the pods they select need not be found.
  if (!compiled.rules.ingress.some((rule) => rule.ports !== 'any' && rule.ports.some((entry) => 'name' in entry))) return [];
  const engine = context.localPolicy();
  const selected = context.inNamespace('Pod').filter((p) => isLivePod(p) && engine.selects(compiled, p));
  if (selected.length === 0) return [];
  const drafts: FindingDraft[] = [];
  compiled.rules.ingress.forEach((rule, i) => {
    if (rule.ports === 'any') return;
    rule.ports.forEach((entry, j) => {
      if (!('name' in entry)) return;
      // The engine resolves a named port on each destination pod; ask it about this entry alone.
      const only = { ...rule, ports: [entry] };
      if (selected.some((pod) => !engine.rulePorts(only, pod).isEmpty())) return;
      const declared = [...new Set(selected.flatMap((p) => p.spec.containers.flatMap((c) => c.ports.flatMap((cp) => (cp.name ? [`${cp.name}/${cp.protocol}`] : [])))))];
      const field = `${describe(policy)} spec.ingress[${i}].ports[${j}].port`;
      drafts.push({
        message: `${describe(policy)} spec.ingress[${i}] allows port "${entry.name}"${entry.protocol ? `/${entry.protocol}` : ''}, which none of the ${selected.length} pods it selects declares, so that entry allows nothing${declared.length ? `; they declare ${declared.slice(0, 5).join(', ')}` : ''}.`,
        evidence: [{ field, value: entry.name }, { field: `${describe(selected[0])} spec.containers[].ports`, value: formatPorts(declaredPorts(selected[0])) }],
        hint: 'Use a numeric port, or name the container port the way the policy does.',
        detail: `ingress[${i}].ports[${j}]`,
      });
    });
  });
  return drafts;
}

export const npEvalUncertain = defineRule({
  id: 'np.eval-uncertain',
  severity: 'warning',
  layer: 'policy',
  title: 'NetworkPolicy verdicts are uncertain',
  subject: 'NetworkPolicy',
  hint: 'Use numeric ports, do not rely on NetworkPolicy for hostNetwork pods, and check CNI policies with the CNI\'s tools.',
  doc: {
    condition:
      'Three cases. Warning: CNI policies Strata counts but does not evaluate (CiliumNetworkPolicy, Calico and Antrea policies) exist in the namespace or cluster-wide, so its verdicts there are not modelled (once per namespace, on its first NetworkPolicy by name). Warning: a named port in an ingress rule resolves on none of the pods the policy selects, as the policy engine resolves it (name and protocol, pod by pod). Info: the policy\'s podSelector matches hostNetwork pods, to which NetworkPolicy applies only in CNI-specific ways.',
    example: 'NetworkPolicy shop/allow-web spec.ingress[0] allows port "http", which none of the 3 pods it selects declares, so that entry allows nothing; they declare web/TCP.',
    anchors: 'Radar netpol:advisory (info) for hostNetwork pods and unresolvable named ports. Strata resolves named ports with the engine on the pods actually selected, names what they declare, and says where CNI policies make its verdicts incomplete.',
  },
  check(policy, context) {
    const drafts: FindingDraft[] = [];
    const notModelled = unmodelled(policy, context);
    if (notModelled) drafts.push(notModelled);
    const compiled = compiledPolicy(policy, context);
    if (!compiled) return drafts;
    const host = hostNetwork(policy, compiled, context);
    if (host) drafts.push(host);
    drafts.push(...unresolvedNamedPorts(policy, compiled, context));
    return drafts;
  },
});
