import { objectId } from '../../../shared/kube';
import { describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { formatParentRef, isGatewayParent, onRoutes, type Route } from './gatewayApi';
import { listSome } from './wording';

/** The other objects of a kind in a namespace, as a hint towards the one meant. */
function others(kind: 'Gateway' | 'Service', namespace: string, context: DiagnosticContext): string {
  const names = context.inNamespace(kind, namespace).map((o) => o.metadata.name);
  if (names.length === 0) return `there is no ${kind} in ${namespace}`;
  return `${kind}s in ${namespace}: ${listSome(names, 5)}`;
}

function check(route: Route, context: DiagnosticContext): FindingDraft[] {
  const routeNs = route.metadata.namespace ?? '';
  const drafts: FindingDraft[] = [];
  route.spec.parentRefs.forEach((ref, i) => {
    const ns = ref.namespace ?? routeNs;
    // GAMMA: a Service as parent (mesh routing); other parent kinds are not Strata's to judge.
    const isService = (ref.group ?? '') === '' && ref.kind === 'Service';
    if (!isGatewayParent(ref) && !isService) return;
    const kind = isService ? 'Service' : 'Gateway';
    if (context.get(kind, ref.name, ns) || !context.observes(ns)) return;
    // No Gateway visible anywhere: Strata may not be allowed to read them, so it cannot tell.
    if (kind === 'Gateway' && !context.hasAny('Gateway')) return;
    // A Service elsewhere, without Namespace objects (offline manifests), may just not be loaded.
    if (kind === 'Service' && ns !== routeNs && !context.hasAny('Namespace')) return;
    const rt = describe(route);
    drafts.push({
      message: `${rt} attaches to ${kind} ${ns}/${ref.name}, which does not exist (${others(kind, ns, context)}).`,
      evidence: [{ field: `${rt} spec.parentRefs[${i}]`, value: formatParentRef(ref, route) }],
      hint: `Fix spec.parentRefs[${i}]${ref.namespace ? '' : ` (set its namespace if the ${kind} lives in another namespace)`} or create the ${kind}.`,
      objects: [objectId(kind, ref.name, ns)],
      detail: String(i),
    });
  });
  return drafts;
}

export const [rtParentMissing, rtParentMissingGrpc] = onRoutes(
  {
    id: 'rt.parent.missing',
    severity: 'error',
    layer: 'entry',
    title: 'Route parent Gateway does not exist',
    hint: 'Fix the parentRef name or namespace, or create the Gateway.',
    doc: {
      condition:
        "A parentRef of the HTTPRoute or GRPCRoute (group gateway.networking.k8s.io and kind Gateway by default) names a Gateway that does not exist in parentRef.namespace, or in the route's namespace when that is unset. A Service parent (GAMMA mesh routing) is checked the same way. Not reported when Strata sees no Gateway at all (it may not be allowed to read them). One finding per parentRef.",
      example: 'HTTPRoute shop/web attaches to Gateway shop/public, which does not exist (there is no Gateway in shop).',
      anchors: 'Popeye 407, k8sgpt HTTPRoute, Radar gateway:missing-parent. Strata honours parentRef.namespace, covers GRPCRoute and Service parents, and lists the Gateways of the namespace it looked in.',
    },
  },
  check,
);
