import type { Condition, ParentRef } from '../../../shared/kube';
import { objectId } from '../../../shared/kube';
import { describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { attachmentProblem, formatCondition, isGatewayParent, onRoutes, RECONCILE_GRACE_MS, sameParent, type Route } from './gatewayApi';
import { missingBackends, missingGrants } from './gatewayReferences';

const HINTS: Readonly<Record<string, string>> = {
  NotAllowedByListeners: "Change the listener's allowedRoutes (namespaces or kinds) or move the route.",
  NoMatchingListenerHostname: "Make the route's hostnames fall under a listener's hostname.",
  NoMatchingParent: "Fix the parentRef's sectionName or port.",
  UnsupportedValue: 'The controller does not support a value in the route: see the condition message.',
  IncompatibleFilters: 'Remove or change the filters the controller cannot combine in one rule.',
  BackendNotFound: 'Fix the backendRef name, namespace or port, or create the Service.',
  RefNotPermitted: "Create a ReferenceGrant in the backend's namespace allowing this route.",
  InvalidKind: 'Reference a backend kind the controller supports (a core Service).',
  UnsupportedProtocol: 'Set an appProtocol the controller supports on the Service port (e.g. kubernetes.io/h2c for gRPC).',
};
/** Reasons rt.parent.not-attachable explains from the specs, with the listener and the labels. */
const STATIC_ATTACH_REASONS: ReadonlySet<string> = new Set(['NotAllowedByListeners', 'NoMatchingListenerHostname', 'NoMatchingParent']);

/** Whether another rule already reports this condition from the specs, with more detail. */
function explainedElsewhere(c: Condition, route: Route, ref: ParentRef, context: DiagnosticContext): boolean {
  const reason = c.reason ?? '';
  if (c.type === 'Accepted' && STATIC_ATTACH_REASONS.has(reason) && isGatewayParent(ref)) {
    const gateway = context.get('Gateway', ref.name, ref.namespace ?? route.metadata.namespace);
    return gateway !== undefined && attachmentProblem(route, ref, gateway, context) !== undefined;
  }
  if (c.type === 'ResolvedRefs' && reason === 'BackendNotFound') return missingBackends(route, context).length > 0;
  if (c.type === 'ResolvedRefs' && reason === 'RefNotPermitted') return missingGrants(route, context).length > 0;
  return false;
}

function check(route: Route, context: DiagnosticContext): FindingDraft[] {
  const routeNs = route.metadata.namespace ?? '';
  const rt = describe(route);
  const drafts: FindingDraft[] = [];
  route.spec.parentRefs.forEach((ref, i) => {
    const ns = ref.namespace ?? routeNs;
    const parent = `${ref.kind ?? 'Gateway'} ${ns}/${ref.name}`;
    const parentId = objectId(ref.kind ?? 'Gateway', ref.name, ns);
    const entries = (route.status?.parents ?? []).filter((p) => sameParent(p.parentRef, ref, routeNs));
    if (entries.length === 0) {
      // No status field at all: recorded before Strata kept it, or never written; unknown, not unreconciled.
      if (!isGatewayParent(ref) || !route.status) return;
      const gateway = context.get('Gateway', ref.name, ns);
      const age = context.ageOf(route);
      if (!gateway || age === undefined || age < RECONCILE_GRACE_MS) return;
      const gatewayToo = (gateway.status.conditions ?? []).length === 0 ? '; the Gateway has no status either' : '';
      drafts.push({
        severity: 'warning',
        message: `${rt} has no status from ${parent} ${Math.floor(age / 60_000)} minutes after its creation: no controller has reconciled it for this parent${gatewayToo}.`,
        evidence: [{ field: `${rt} status.parents`, value: (route.status?.parents ?? []).map((p) => p.parentRef.name).join(', ') || '(none)' }],
        hint: "Check that the Gateway's controller is running and watches this namespace; see its logs for the route.",
        objects: [parentId],
        detail: `${i}.never-reconciled`,
      });
      return;
    }
    for (const entry of entries) {
      const bad = entry.conditions.filter((c) => (c.type === 'PartiallyInvalid' ? c.status === 'True' : (c.type === 'Accepted' || c.type === 'ResolvedRefs') && c.status === 'False'));
      for (const c of bad) {
        if (explainedElsewhere(c, route, ref, context)) continue;
        const what = c.type === 'Accepted' ? `is not accepted by ${parent}` : c.type === 'ResolvedRefs' ? `has references ${parent} cannot resolve` : `is partly dropped by ${parent}`;
        drafts.push({
          severity: c.type === 'PartiallyInvalid' ? 'warning' : 'error',
          message: `${rt} ${what}: ${formatCondition(c)}.`,
          evidence: [{ field: `${rt} status.parents[${ref.name}].conditions[${c.type}]`, value: formatCondition(c) }, ...(entry.controllerName ? [{ field: `${rt} status.parents[${ref.name}].controllerName`, value: entry.controllerName }] : [])],
          hint: HINTS[c.reason ?? ''] ?? (c.type === 'PartiallyInvalid' ? 'Fix the rule the message names: it was dropped or fell back.' : 'Follow the condition message.'),
          objects: [parentId],
          detail: `${i}.${c.type}`,
        });
      }
    }
  });
  return drafts;
}

export const [rtStatusCondition, rtStatusConditionGrpc] = onRoutes(
  {
    id: 'rt.status.condition',
    severity: 'error',
    layer: 'entry',
    title: 'Route rejected by its Gateway controller',
    hint: 'Follow the reason-specific hint of the condition.',
    doc: {
      condition:
        "The route's status.parents entry for a parentRef says Accepted=False (any reason), ResolvedRefs=False (BackendNotFound, RefNotPermitted, InvalidKind, UnsupportedProtocol) or PartiallyInvalid=True (a warning: a rule was dropped or fell back); or a Gateway parentRef has no status.parents entry at all 5 minutes after the route's creation (a warning: never reconciled). Conditions that rt.parent.not-attachable, rt.backend.missing or rt.referencegrant.missing already explain from the specs are left to them.",
      example: 'HTTPRoute shop/web has references Gateway infra/public cannot resolve: ResolvedRefs=False (UnsupportedProtocol): Service shop/grpc port 50051 has appProtocol grpc-web.',
      anchors: 'None of the anchors checks this (Headlamp shows the raw conditions). Strata gives a hint per reason, notices routes no controller ever touched, and avoids saying twice what a spec check already explains.',
    },
  },
  check,
);
