import type { Pod } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import type { Endpoint } from '../../policy/PolicyEngine';
import { connectionVerdict } from '../../policy/explainVerdict';
import { defineRule, describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { compiledPolicy, enforcedSeverity, enforcementNote } from './networkPolicies';
import { isLivePod } from './pods';
import { plural } from './wording';
import { byWorkload, describeGroup } from './workloads';

const DNS_PORT = 53;
type DnsProtocol = 'UDP' | 'TCP';

/** Where pods send DNS queries: every cluster DNS pod, or the NodeLocal DNSCache address when there is one. */
function dnsTargets(context: DiagnosticContext): { pods: Pod[]; nodeLocal?: string } {
  const pods = context.podsWithRole('dns').filter(isLivePod);
  const nodeLocal = context.profile().dns.nodeLocal?.address;
  return { pods, ...(nodeLocal ? { nodeLocal } : {}) };
}

/** The egress verdict (the pod's own side only) for DNS over one protocol: allowed to every DNS pod, or to the NodeLocal address. */
function egressToDns(pod: Pod, protocol: DnsProtocol, targets: ReturnType<typeof dnsTargets>, context: DiagnosticContext): { allowed: boolean; explanation: string } {
  const engine = context.policy();
  const side = (to: Endpoint) => connectionVerdict(engine, { pod }, to, protocol, DNS_PORT).egress;
  const local = targets.nodeLocal ? side({ ip: targets.nodeLocal }) : undefined;
  if (local?.allowed) return local;
  const denied = targets.pods.map((dns) => side({ pod: dns })).find((v) => !v.allowed);
  return denied ?? (targets.pods.length ? { allowed: true, explanation: '' } : local!);
}

/** Whether every policy that decides the pod's egress allows nothing at all: sealed on purpose. */
function sealed(pod: Pod, context: DiagnosticContext): boolean {
  const engine = context.policy();
  const isolation = engine.isolation(pod);
  if (isolation.admin.length > 0 || isolation.baseline) return false;
  return engine.policiesFor(pod, 'egress').every((p) => p.rules.egress.length === 0);
}

export const npEgressNoDns = defineRule({
  id: 'np.egress.no-dns',
  severity: 'error',
  layer: 'policy',
  title: 'Egress policy blocks DNS',
  subject: 'NetworkPolicy',
  hint: 'Add an egress rule to kube-dns (namespace kube-system, k8s-app=kube-dns) on UDP and TCP 53.',
  doc: {
    condition:
      'Pods of a workload are isolated for egress, and the policy engine (ANPs and BANP included) does not let them send UDP 53 and TCP 53 to every cluster DNS pod (kube-system, k8s-app=kube-dns or coredns), nor to the NodeLocal DNSCache address when the cluster profile shows one. One finding about each workload (its key stays as pods and policies change), under the first (by name) of the policies that isolate it. Error when UDP is blocked, warning when only TCP is (large answers fail); warning when the profile does not show enforcement; info when the pods have no egress allowed at all (sealed by design).',
    example: 'Deployment shop/cart (3 pods, e.g. Pod shop/cart-1) cannot reach cluster DNS on UDP and TCP 53 — denied: pod shop/cart-1 is isolated for egress by NetworkPolicy/shop/egress-allowlist, and no rule of them allows pod kube-system/coredns-1 on UDP 53.',
    anchors: 'Radar notes a DNS gap (info, UDP only, without NodeLocal DNSCache). Strata checks UDP and TCP, judges the actual DNS pods and the NodeLocal address through the engine, and reports per workload.',
    standIn: "The NodeLocal DNSCache address would be read from the node-local-dns ConfigMap; the -localip argument of the node-local-dns DaemonSet's container stands in for it.",
  },
  check(policy, context) {
    const compiled = compiledPolicy(policy, context);
    if (!compiled?.types.egress) return undefined;
    const targets = dnsTargets(context);
    // Without DNS pods or a NodeLocal address there is nothing to judge against.
    if (targets.pods.length === 0 && !targets.nodeLocal) return undefined;
    const engine = context.policy();
    // Each pod is reported under the first policy that isolates its egress, so once.
    const pods = context.inNamespace('Pod').filter((pod) => isLivePod(pod) && engine.selects(compiled, pod) && [...engine.isolation(pod).egress.isolatedBy].sort()[0] === compiled.id);
    const drafts: FindingDraft[] = [];
    for (const group of byWorkload(pods, context)) {
      const missing = new Map<DnsProtocol, string>();
      for (const pod of group.pods) {
        for (const protocol of ['UDP', 'TCP'] as const) {
          if (missing.has(protocol)) continue;
          const verdict = egressToDns(pod, protocol, targets, context);
          if (!verdict.allowed) missing.set(protocol, verdict.explanation);
        }
        if (missing.size === 2) break;
      }
      if (missing.size === 0) continue;
      const protocols = [...missing.keys()];
      const explanation = missing.get(protocols[0])!;
      const isSealed = group.pods.every((pod) => sealed(pod, context));
      const what = `${protocols.join(' and ')} 53`;
      const target = targets.nodeLocal ? `cluster DNS (or NodeLocal DNSCache at ${targets.nodeLocal})` : 'cluster DNS';
      const who = describeGroup(group, group.pods);
      drafts.push({
        severity: isSealed ? 'info' : enforcedSeverity(context, missing.has('UDP') ? 'error' : 'warning'),
        message: isSealed
          ? `${who} has no egress allowed at all, so it cannot resolve names either; fine if it is sealed on purpose.`
          : `${who} cannot reach ${target} on ${what}${missing.has('UDP') ? '' : ', so answers too large for UDP fail'}${enforcementNote(context)} — ${explanation}.`,
        evidence: [
          { field: `${describe(policy)} spec.egress`, value: plural(compiled.rules.egress.length, 'rule') },
          { field: `egress of pod ${group.pods[0].metadata.namespace}/${group.pods[0].metadata.name} to DNS on ${protocols[0]} 53`, value: explanation },
        ],
        hint: isSealed ? 'Nothing to do if the pods need no network; otherwise add egress rules, including DNS on UDP and TCP 53.' : `Add an egress rule to kube-dns (namespaceSelector kubernetes.io/metadata.name=kube-system, podSelector k8s-app=kube-dns) on ${protocols.map((p) => `${p} 53`).join(' and ')}.`,
        subject: group.id,
        objects: [idOf(policy), ...targets.pods.slice(0, 1).map(idOf)],
      });
    }
    return drafts;
  },
});
