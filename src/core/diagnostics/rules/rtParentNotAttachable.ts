import { idOf } from '../../../shared/kube';
import { describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { attachmentProblem, formatParentRef, isGatewayParent, onRoutes, type AttachReason, type Route } from './gatewayApi';

const HINTS: Readonly<Record<AttachReason, string>> = {
  NoMatchingParent: "Fix the parentRef's sectionName or port to name a listener the Gateway has.",
  NotAllowedByListeners: "Change the listener's allowedRoutes (namespaces from All or a selector that matches the route namespace's labels, or its kinds), or move the route.",
  NoMatchingListenerHostname: "Make the route's hostnames fall under the listener's hostname (a `*.example.com` listener takes `shop.example.com`), or attach to another listener.",
};

function check(route: Route, context: DiagnosticContext): FindingDraft[] {
  const routeNs = route.metadata.namespace ?? '';
  const rt = describe(route);
  const drafts: FindingDraft[] = [];
  route.spec.parentRefs.forEach((ref, i) => {
    if (!isGatewayParent(ref)) return;
    const gateway = context.get('Gateway', ref.name, ref.namespace ?? routeNs);
    if (!gateway) return;
    const problem = attachmentProblem(route, ref, gateway, context);
    if (!problem) return;
    const evidence = [{ field: `${rt} spec.parentRefs[${i}]`, value: formatParentRef(ref, route) }, ...problem.evidence];
    if (problem.reason === 'NoMatchingListenerHostname') evidence.push({ field: `${rt} spec.hostnames`, value: route.spec.hostnames.join(', ') });
    drafts.push({
      message: `${rt} cannot attach to ${describe(gateway)} (${problem.reason}): ${problem.why}.`,
      evidence,
      hint: HINTS[problem.reason],
      objects: [idOf(gateway)],
      detail: String(i),
    });
  });
  return drafts;
}

export const [rtParentNotAttachable, rtParentNotAttachableGrpc] = onRoutes(
  {
    id: 'rt.parent.not-attachable',
    severity: 'error',
    layer: 'entry',
    title: 'Route cannot attach to its Gateway',
    hint: "Fix the parentRef's sectionName or port, the route's hostnames, or the listener's allowedRoutes.",
    doc: {
      condition:
        "For each parentRef to an existing Gateway, computed from the specs alone: no listener has the parentRef's sectionName and port (NoMatchingParent); or every listener it selects refuses the route, because its allowedRoutes.namespaces (Same, All, or a Selector evaluated with full LabelSelector semantics against the labels of the route's Namespace) or its allowedRoutes.kinds (by default the kinds its protocol carries) exclude it (NotAllowedByListeners), or none of the route's hostnames intersects the listener's hostname, wildcards per the spec (NoMatchingListenerHostname). The route attaches if any selected listener admits it. A Selector is not judged when the route's Namespace object is not visible.",
      example: 'HTTPRoute shop/web cannot attach to Gateway infra/public (NotAllowedByListeners): listener http admits routes only from namespaces matching team=shop, and namespace shop has team=cart,kubernetes.io/metadata.name=shop.',
      anchors: "k8sgpt HTTPRoute checks from: Same without sectionName, and for Selector compares the route's own labels (key presence only). Strata evaluates the Namespace's labels with matchExpressions, honours sectionName, port, kinds and hostnames, and needs no controller to have run.",
    },
  },
  check,
);
