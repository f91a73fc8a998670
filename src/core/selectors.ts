import type { LabelSelector } from '../shared/kube';

type Labels = Readonly<Record<string, string>> | undefined;

/**
 * A metav1.LabelSelector: matchLabels and matchExpressions are ANDed, and an empty selector
 * matches everything (as NetworkPolicy podSelector `{}` and workload selectors mean).
 */
export function matchesLabelSelector(labels: Labels, selector: LabelSelector): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!present || !values.includes(have[req.key])) return false;
        break;
      case 'NotIn':
        if (present && values.includes(have[req.key])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
    }
  }
  return true;
}

/** Whether a label selector matches every label set: no matchLabels and no matchExpressions. */
export function selectsEveryPod(selector: LabelSelector): boolean {
  return (!selector.matchLabels || Object.keys(selector.matchLabels).length === 0) && (!selector.matchExpressions || selector.matchExpressions.length === 0);
}

/**
 * A Service's `spec.selector` map. Unlike a LabelSelector, an absent or empty map selects
 * nothing: such a Service has no managed endpoints and relies on hand-made EndpointSlices.
 */
export function matchesServiceSelector(labels: Labels, selector: Readonly<Record<string, string>> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return matchesLabelSelector(labels, { matchLabels: selector });
}

/**
 * Parses a search term of the forms `key=value`, `key!=value` or `key` (label exists).
 * Returns undefined for a plain word, which callers treat as a name search.
 */
export function parseLabelQuery(term: string): LabelSelector | undefined {
  const notEqual = /^([\w./-]+)\s*!=\s*(\S*)$/.exec(term);
  if (notEqual) return { matchExpressions: [{ key: notEqual[1], operator: 'NotIn', values: [notEqual[2]] }] };
  const equal = /^([\w./-]+)\s*==?\s*(\S*)$/.exec(term);
  if (equal) return { matchLabels: { [equal[1]]: equal[2] } };
  return undefined;
}
