import type { LabelSelector, Namespace, NetworkPolicy, Pod } from '../../../shared/kube';
import { NAMESPACE_NAME_LABEL, objectId } from '../../../shared/kube';
import { DIRECTIONS, type CompiledPolicy, type PeerMatch } from '../../policy/compilePolicies';
import type { PolicyEngine } from '../../policy/PolicyEngine';
import { matchesLabelSelector } from '../../selectors';
import { defineRule, describe, formatLabels, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { compiledPolicy, formatSelector, isEmptySelector, workloadMatching } from './networkPolicies';

/** Past this many selected namespaces the peer's pods are not searched: reading them all would tie this namespace to most of the cluster. */
const MAX_SEARCHED_NAMESPACES = 20;

type PodsPeer = Extract<PeerMatch, { kind: 'pods' }>;

/**
 * The names of the Namespaces a selector picks, by the labels the engine sees. Every namespace's
 * policies ask with the same few selectors (`{}`, kube-system by name), so the answers are kept per
 * engine and Namespace list (both stay the same until a Namespace or policy changes), by the selector's content.
 */
const namespacesPicked = new WeakMap<PolicyEngine, WeakMap<readonly Namespace[], Map<string, readonly string[]>>>();
function namespacesMatching(engine: PolicyEngine, namespaces: readonly Namespace[], selector: LabelSelector): readonly string[] {
  let byList = namespacesPicked.get(engine);
  if (!byList) namespacesPicked.set(engine, (byList = new WeakMap()));
  let bySelector = byList.get(namespaces);
  if (!bySelector) byList.set(namespaces, (bySelector = new Map()));
  const key = JSON.stringify(selector);
  let names = bySelector.get(key);
  if (!names) bySelector.set(key, (names = namespaces.map((n) => n.metadata.name).filter((name) => matchesLabelSelector(engine.labelsOfNamespace(name), selector))));
  return names;
}

/** Namespaces a `{name: X}`-style selector seems to mean by name, though they lack that label. */
function meantByName(selector: LabelSelector, namespaces: readonly Namespace[]): Namespace[] {
  const byName = new Map(namespaces.map((n) => [n.metadata.name, n]));
  const named = [
    ...Object.entries(selector.matchLabels ?? {}).filter(([k]) => k !== NAMESPACE_NAME_LABEL).map(([k, v]) => ({ key: k, values: [v] })),
    ...(selector.matchExpressions ?? []).filter((e) => e.operator === 'In' && e.key !== NAMESPACE_NAME_LABEL).map((e) => ({ key: e.key, values: e.values ?? [] })),
  ];
  return named.flatMap(({ key, values }) => values.flatMap((v) => byName.get(v) ?? []).filter((n) => n.metadata.labels?.[key] !== n.metadata.name));
}

function namespaceDraft(policy: NetworkPolicy, at: string, selector: LabelSelector, namespaces: readonly Namespace[]): FindingDraft {
  const field = `${describe(policy)} ${at}.namespaceSelector`;
  const meant = meantByName(selector, namespaces);
  // Namespaces Strata made up from references (offline manifests) may carry labels it cannot see.
  const unknown = namespaces.filter((n) => n.synthesized).map((n) => n.metadata.name);
  const severity = unknown.length ? ('info' as const) : undefined;
  const caveat = unknown.length ? `, though the labels of ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ' …' : ''} are unknown (no Namespace manifest)` : '';
  if (meant.length) {
    const names = meant.map((n) => n.metadata.name);
    return {
      ...(severity ? { severity } : {}),
      message: `${describe(policy)} ${at}.namespaceSelector ${formatSelector(selector)} matches no Namespace${caveat}; Namespace ${names.join(', ')} does not carry that label, so select it with ${NAMESPACE_NAME_LABEL}=${names[0]}, which every Namespace has.`,
      evidence: [{ field, value: formatSelector(selector) }, ...meant.map((n) => ({ field: `Namespace ${n.metadata.name} metadata.labels`, value: formatLabels({ ...n.metadata.labels, [NAMESPACE_NAME_LABEL]: n.metadata.name }) }))],
      hint: `Use namespaceSelector.matchLabels {${NAMESPACE_NAME_LABEL}: ${names[0]}}, or add the label the policy expects to the Namespace.`,
      objects: meant.map((n) => objectId('Namespace', n.metadata.name)),
      detail: `${at}.namespaceSelector`,
    };
  }
  return {
    ...(severity ? { severity } : {}),
    message: `${describe(policy)} ${at}.namespaceSelector ${formatSelector(selector)} matches none of the ${namespaces.length} Namespaces${caveat}, so this peer admits nothing.`,
    evidence: [{ field, value: formatSelector(selector) }],
    hint: `Fix the labels; to pick a namespace by name use ${NAMESPACE_NAME_LABEL}.`,
    detail: `${at}.namespaceSelector`,
  };
}

/** The finding for a peer podSelector that matches no pod the engine would count, or undefined. */
function podDraft(policy: CompiledPolicy, subject: NetworkPolicy, peer: PodsPeer, at: string, searched: readonly string[], context: DiagnosticContext): FindingDraft | undefined {
  // A namespace the source does not see may hold the pods.
  if (searched.some((ns) => !context.observes(ns))) return undefined;
  const engine = context.localPolicy();
  const labelled: Pod[] = searched.flatMap((ns) => context.podsMatching(ns, peer.pods));
  if (labelled.some((pod) => engine.peerMatches(policy, peer, { pod }))) return undefined;
  if (searched.some((ns) => workloadMatching(context, ns, peer.pods))) return undefined;
  const where = peer.namespaces === 'own' ? `namespace ${searched[0]}` : `namespaces ${searched.join(', ')}`;
  const hostOnly = labelled.filter((pod) => pod.spec.hostNetwork).map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`);
  const field = `${describe(subject)} ${at}.podSelector`;
  return {
    message: hostOnly.length
      ? `${describe(subject)} ${at}.podSelector ${formatSelector(peer.pods)} matches only hostNetwork pods in ${where} (${hostOnly.slice(0, 3).join(', ')}), which podSelectors never match.`
      : `${describe(subject)} ${at}.podSelector ${formatSelector(peer.pods)} matches no pod in ${where}, so this peer admits nothing.`,
    evidence: [{ field, value: formatSelector(peer.pods) }, ...(peer.namespaces === 'own' ? [] : [{ field: `${describe(subject)} ${at}.namespaceSelector`, value: formatSelector(peer.namespaces) }])],
    hint: hostOnly.length ? 'Allow hostNetwork pods by their node addresses (ipBlock), or run them off the host network.' : 'Fix the labels so that the peer podSelector matches the pods meant.',
    detail: `${at}.podSelector`,
  };
}

export const npPeerMatchesNothing = defineRule({
  id: 'np.peer-matches-nothing',
  severity: 'warning',
  layer: 'policy',
  title: 'NetworkPolicy peer matches nothing',
  subject: 'NetworkPolicy',
  hint: 'Fix the labels; to pick a namespace by name use kubernetes.io/metadata.name.',
  doc: {
    condition:
      'A peer of a valid NetworkPolicy rule has a non-empty namespaceSelector that matches no Namespace, or a non-empty podSelector that matches no pod (as the policy engine counts them: hostNetwork pods never match) in the namespaces it selects, with full LabelSelector semantics. Not when a workload template there matches, when Namespaces are not known, or when the namespaceSelector picks more than 20 namespaces. Info instead of warning when some Namespaces were only referenced (offline manifests) and their labels are unknown.',
    example: 'NetworkPolicy shop/allow-prom spec.ingress[0].from[0].namespaceSelector name=monitoring matches no Namespace; Namespace monitoring does not carry that label, so select it with kubernetes.io/metadata.name=monitoring.',
    anchors: 'Popeye 1201/1202/1208, kube-linter dangling-networkpolicypeer-podselector (skips peers with a namespaceSelector), k8sgpt (matchLabels only). Strata checks both selectors with matchExpressions, ANDs them as the API does, and spots `{name: X}` selectors meant for the namespace called X.',
  },
  check(policy, context) {
    const compiled = compiledPolicy(policy, context);
    if (!compiled) return undefined;
    const engine = context.localPolicy();
    const namespaces = context.clusterScoped('Namespace');
    const drafts: FindingDraft[] = [];
    for (const direction of DIRECTIONS) {
      compiled.rules[direction].forEach((rule, i) => {
        if (rule.peers === 'any') return;
        rule.peers.forEach((peer, j) => {
          if (peer.kind !== 'pods') return;
          const at = `spec.${direction}[${i}].${direction === 'ingress' ? 'from' : 'to'}[${j}]`;
          let searched: readonly string[];
          if (peer.namespaces === 'own') searched = [policy.metadata.namespace ?? ''];
          else {
            // Without the Namespace list (no permission to read it) nothing can be said.
            if (namespaces.length === 0) return;
            const selector = peer.namespaces;
            searched = namespacesMatching(engine, namespaces, selector);
            if (searched.length === 0) {
              drafts.push(namespaceDraft(policy, at, selector, namespaces));
              return;
            }
          }
          if (isEmptySelector(peer.pods) || searched.length > MAX_SEARCHED_NAMESPACES) return;
          const draft = podDraft(compiled, policy, peer, at, searched, context);
          if (draft) drafts.push(draft);
        });
      });
    }
    return drafts;
  },
});
