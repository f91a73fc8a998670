import type { Pod } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import type { CompiledPolicy } from '../../policy/compilePolicies';
import type { Endpoint, Isolation } from '../../policy/decisions';
import type { PolicyEngine } from '../../policy/PolicyEngine';
import { connectionVerdict } from '../../policy/explainVerdict';
import { defineRule, describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { compiledPolicy, enforcedSeverity, enforcementNote } from './networkPolicies';
import { isLiveHere, isLivePod, oncePerCheck } from './pods';
import { plural } from './wording';
import { byWorkload, describeGroup } from './workloads';

const DNS_PORT = 53;
type DnsProtocol = 'UDP' | 'TCP';

/**
 * Where pods send DNS queries: every cluster DNS pod, or the NodeLocal DNSCache address when there
 * is one. `onNodes`: a target may be a Node's address, so a verdict may depend on the sender's Node.
 */
function dnsTargets(context: DiagnosticContext): { pods: Pod[]; nodeLocal?: string; onNodes: boolean } {
  const pods = context.podsWithRole('dns').filter(isLivePod);
  const nodeLocal = context.profile().dns.nodeLocal?.address;
  return { pods, ...(nodeLocal ? { nodeLocal } : {}), onNodes: nodeLocal !== undefined || pods.some((dns) => dns.spec.hostNetwork) };
}

/** The egress verdict (the pod's own side only) for DNS over one protocol: allowed to every DNS pod, or to the NodeLocal address. */
function egressToDns(pod: Pod, protocol: DnsProtocol, targets: ReturnType<typeof dnsTargets>, context: DiagnosticContext): { allowed: boolean; explanation: string } {
  const engine = context.localPolicy();
  const side = (to: Endpoint) => connectionVerdict(engine, { pod }, to, protocol, DNS_PORT).egress;
  const local = targets.nodeLocal ? side({ ip: targets.nodeLocal }) : undefined;
  if (local?.allowed) return local;
  const denied = targets.pods.map((dns) => side({ pod: dns })).find((v) => !v.allowed);
  return denied ?? (targets.pods.length ? { allowed: true, explanation: '' } : local!);
}

/** Whether one egress side allows DNS, without the words: most pods may resolve names, and only a denial is explained. */
function allowsDns(pod: Pod, protocol: DnsProtocol, targets: ReturnType<typeof dnsTargets>, engine: PolicyEngine): boolean {
  // The allowed ports alone, as `egressToDns` judges the port: without each decision worked out.
  const allows = (to: Endpoint) => engine.allowedSide(pod, to, 'egress').has(protocol, DNS_PORT);
  if (targets.nodeLocal && allows({ ip: targets.nodeLocal })) return true;
  return targets.pods.length > 0 && targets.pods.every((dns) => allows({ pod: dns }));
}

/**
 * Whether a pod may resolve names over a protocol, shared by the pods whose egress the same policies
 * decide: the verdict depends on the pod only through those policies (the engine hands out one list
 * per selection), whether it is on the host network, its Node (when a target may be a Node's
 * address) and whether it is a target itself.
 */
const dnsVerdicts = oncePerCheck(() => new Map<unknown, Map<readonly CompiledPolicy[], Partial<Record<DnsProtocol, boolean>>>>());

function reachesDns(pod: Pod, protocol: DnsProtocol, targets: ReturnType<typeof dnsTargets>, context: DiagnosticContext): boolean {
  const engine = context.localPolicy();
  if (targets.pods.includes(pod)) return allowsDns(pod, protocol, targets, engine);
  const traits = targets.onNodes ? `${pod.spec.hostNetwork}|${pod.spec.nodeName ?? ''}` : pod.spec.hostNetwork;
  const known = dnsVerdicts(context);
  let byPolicies = known.get(traits);
  if (!byPolicies) known.set(traits, (byPolicies = new Map()));
  const policies = engine.policiesFor(pod, 'egress');
  let allowed = byPolicies.get(policies);
  if (!allowed) byPolicies.set(policies, (allowed = {}));
  return (allowed[protocol] ??= allowsDns(pod, protocol, targets, engine));
}

/** The live pods a policy is first (by id) to isolate for egress, and one of each distinct isolation among them. */
interface EgressPods {
  pods: Pod[];
  /** The engine shares one isolation between pods the same policies select: their verdicts are alike. */
  representatives: Pod[];
}

/** This namespace's live pods by the first (by id) policy isolating their egress: each pod is reported under that policy only. */
const byFirstEgressPolicy = oncePerCheck((context) => {
  const engine = context.localPolicy();
  const byPolicy = new Map<string, EgressPods>();
  // Pods the same policies select share one isolation: its first policy is found once.
  const firstOf = new Map<Isolation, string | undefined>();
  // Most often every pod off the host network has one, told once for the namespace.
  const uniform = engine.uniformIsolation(context.namespace);
  for (const pod of context.inNamespace('Pod')) {
    if (!isLiveHere(pod, context)) continue;
    const isolation = uniform && !pod.spec.hostNetwork ? uniform : engine.isolation(pod);
    let first = firstOf.get(isolation);
    const seen = first !== undefined || firstOf.has(isolation);
    if (!seen) {
      for (const id of isolation.egress.isolatedBy) if (first === undefined || id < first) first = id;
      firstOf.set(isolation, first);
    }
    if (first === undefined) continue;
    let entry = byPolicy.get(first);
    if (!entry) byPolicy.set(first, (entry = { pods: [], representatives: [] }));
    entry.pods.push(pod);
    if (!seen) entry.representatives.push(pod);
  }
  return byPolicy;
});

/**
 * Whether every pod a policy is first to isolate may resolve names. Unless a verdict may depend on
 * a pod's Node or a DNS pod is among them, pods of one isolation share it (see `reachesDns`): one of
 * each is asked.
 */
function everyReachesDns(egress: EgressPods, targets: ReturnType<typeof dnsTargets>, context: DiagnosticContext): boolean {
  const alike = !targets.onNodes && targets.pods.every((dns) => dns.metadata.namespace !== context.namespace);
  return (alike ? egress.representatives : egress.pods).every((pod) => reachesDns(pod, 'UDP', targets, context) && reachesDns(pod, 'TCP', targets, context));
}

/** Whether every policy that decides the pod's egress allows nothing at all: sealed on purpose. */
function sealed(pod: Pod, context: DiagnosticContext): boolean {
  const engine = context.localPolicy();
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
    // Each pod is reported under the first policy that isolates its egress, so once.
    const egress = byFirstEgressPolicy(context).get(compiled.id);
    // The common case: every pod may resolve names, and the pods need not be grouped (in-namespace look-ups record no reads).
    if (!egress || everyReachesDns(egress, targets, context)) return undefined;
    const { pods } = egress;
    const drafts: FindingDraft[] = [];
    for (const group of byWorkload(pods, context)) {
      const missing = new Map<DnsProtocol, string>();
      for (const pod of group.pods) {
        for (const protocol of ['UDP', 'TCP'] as const) {
          if (missing.has(protocol) || reachesDns(pod, protocol, targets, context)) continue;
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
