import { describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { onRoutes, type Route } from './gatewayApi';

function check(route: Route, _context: DiagnosticContext): FindingDraft[] {
  const rt = describe(route);
  const drafts: FindingDraft[] = [];
  route.spec.rules.forEach((rule, r) => {
    // A rule with filters (a redirect, a fixed response) may answer without any backend.
    if (rule.backendRefs.length === 0 || (rule.filters ?? 0) > 0) return;
    if (!rule.backendRefs.every((b) => b.weight === 0)) return;
    const names = rule.backendRefs.map((b) => `${b.kind && b.kind !== 'Service' ? `${b.kind} ` : ''}${b.namespace ? `${b.namespace}/` : ''}${b.name}`);
    const effect = route.kind === 'HTTPRoute' ? 'so every request it matches gets HTTP 500' : 'so every call it matches fails';
    drafts.push({
      message: `${rt} rule ${r + 1} gives weight 0 to every backend (${names.join(', ')}) and has no filters, ${effect}.`,
      evidence: rule.backendRefs.map((b, i) => ({ field: `${rt} spec.rules[${r}].backendRefs[${i}].weight`, value: '0' })),
      hint: 'Give at least one backend a weight above 0, or remove the rule.',
      detail: String(r),
    });
  });
  return drafts;
}

export const [rtWeightsAllZero, rtWeightsAllZeroGrpc] = onRoutes(
  {
    id: 'rt.weights.all-zero',
    severity: 'error',
    layer: 'entry',
    title: 'Route rule with every backend at weight 0',
    hint: 'Give at least one backend a weight above 0.',
    doc: {
      condition: 'A rule of the route has backendRefs, every one with weight 0 (an unset weight is 1), and no filters: per the spec no traffic goes to any backend and the requests it matches get HTTP 500. One finding per rule.',
      example: 'HTTPRoute shop/web rule 1 gives weight 0 to every backend (web-v1, web-v2) and has no filters, so every request it matches gets HTTP 500.',
      anchors: 'None of the anchors checks this (Radar reads weight 0 next to a live sibling as a drained backend, which is right; this rule fires only when no sibling is left).',
    },
  },
  check,
);
