import type { Condition, Gateway, GatewayListener } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { defineRule, describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { conditionOf, formatCondition, isGatewayParent, listenerRefusal, RECONCILE_GRACE_MS, selectedListeners, type Route } from './gatewayApi';

/** What to do for each listener condition reason; errors unless listed as warnings below. */
const HINTS: Readonly<Record<string, string>> = {
  PortUnavailable: 'Use another port: this one is taken or not allowed by the controller.',
  UnsupportedProtocol: 'Use a protocol the controller supports for this listener.',
  UnsupportedValue: 'Fix the listener field the condition message names.',
  NoValidCACertificate: 'Fix the listener frontend validation CA certificate references.',
  InvalidCertificateRef: 'Create the TLS Secret (type kubernetes.io/tls, with tls.crt and tls.key) the listener names, or fix tls.certificateRefs.',
  RefNotPermitted: 'Create a ReferenceGrant in the certificate namespace allowing this Gateway, or move the Secret next to the Gateway.',
  InvalidRouteKinds: 'Remove the route kinds the controller does not support from allowedRoutes.kinds.',
  InvalidCACertificateRef: 'Fix the CA certificate reference (a ConfigMap or Secret with ca.crt).',
  InvalidCACertificateKind: 'Reference the CA certificate by a kind the controller supports.',
  HostnameConflict: 'Give the listeners that share this port distinct hostnames.',
  ProtocolConflict: 'Listeners on one port must use compatible protocols: change the port or the protocol.',
};
const WARNING_REASONS: ReadonlySet<string> = new Set(['InvalidRouteKinds']);

/** The listener's conditions that say it does not work, most telling first. */
function badConditions(conditions: readonly Condition[]): Condition[] {
  const failing: [string, string][] = [['Accepted', 'False'], ['ResolvedRefs', 'False'], ['Conflicted', 'True'], ['Programmed', 'False']];
  return failing.flatMap(([type, status]) => conditions.filter((c) => c.type === type && c.status === status));
}

/** Routes of the Gateway's own namespace that target this listener and that it would admit. */
function routesTargeting(gateway: Gateway, listener: GatewayListener, context: DiagnosticContext): Route[] {
  const ns = gateway.metadata.namespace ?? '';
  const routes: Route[] = [...context.inNamespace('HTTPRoute'), ...context.inNamespace('GRPCRoute')];
  return routes.filter((route) => {
    const age = context.ageOf(route);
    if (age === undefined || age < RECONCILE_GRACE_MS) return false;
    const targets = route.spec.parentRefs.some(
      (ref) => isGatewayParent(ref) && ref.name === gateway.metadata.name && (ref.namespace ?? ns) === ns && selectedListeners(gateway, ref).includes(listener),
    );
    return targets && !listenerRefusal(listener, gateway, route, context);
  });
}

/** What the route's own status says about this Gateway, if anything. */
function routeVerdict(route: Route, gateway: Gateway): string {
  const ns = route.metadata.namespace ?? '';
  const entry = route.status?.parents.find((p) => isGatewayParent(p.parentRef) && p.parentRef.name === gateway.metadata.name && (p.parentRef.namespace ?? ns) === gateway.metadata.namespace);
  const accepted = conditionOf(entry?.conditions, 'Accepted');
  return accepted ? ` (the route says ${formatCondition(accepted)})` : ' (the route has no status from this Gateway)';
}

export const gwListenerProblem = defineRule({
  id: 'gw.listener.problem',
  severity: 'error',
  layer: 'entry',
  title: 'Gateway listener not working',
  subject: 'Gateway',
  hint: 'Fix the certificate reference or ReferenceGrant, the port or the protocol of the listener.',
  doc: {
    condition:
      "A listener in the Gateway's status.listeners has Accepted=False (PortUnavailable, UnsupportedProtocol…), ResolvedRefs=False (InvalidCertificateRef, RefNotPermitted; InvalidRouteKinds is a warning), Conflicted=True (HostnameConflict, ProtocolConflict) or Programmed=False: error, one finding per listener. Warning: a listener reports attachedRoutes 0 while a route at least 5 minutes old, in the Gateway's namespace, targets it and would be admitted by it. Routes in other namespaces are not searched (that would read every namespace); their side is covered by rt.status.condition.",
    example: 'Gateway infra/public listener https (HTTPS:443) does not work: ResolvedRefs=False (InvalidCertificateRef): secret infra/shop-tls not found; its TLS certificate Secret infra/shop-tls is missing or invalid.',
    anchors: 'None of the anchors checks this (k8sgpt calls listener status out of scope). Strata reports each listener with a hint per reason and cross-checks attachedRoutes against the routes that target the listener.',
    standIn: 'A TLS Secret that is missing or not a valid kubernetes.io/tls Secret is seen through the listener condition ResolvedRefs=False with reason InvalidCertificateRef, which the controller sets: Strata never reads Secrets.',
  },
  check(gateway, context) {
    if (gateway.synthesized) return undefined;
    const gw = describe(gateway);
    const drafts: FindingDraft[] = [];
    const age = context.ageOf(gateway);
    // Pending right after creation is the controller still at work, not a fault.
    const settled = age !== undefined && age >= RECONCILE_GRACE_MS;
    for (const status of gateway.status.listeners ?? []) {
      const listener = gateway.spec.listeners.find((l) => l.name === status.name);
      const label = listener ? `listener ${status.name} (${listener.protocol}:${listener.port})` : `listener ${status.name}`;
      const field = `${gw} status.listeners[${status.name}]`;
      const bad = badConditions(status.conditions).filter((c) => c.reason !== 'Pending' || settled);
      if (bad.length > 0) {
        const first = bad[0];
        const evidence = bad.map((c) => ({ field: `${field}.conditions[${c.type}]`, value: formatCondition(c) }));
        const certs = (listener?.certificateRefs ?? []).map((r) => `${r.namespace ?? gateway.metadata.namespace}/${r.name}`);
        if (first.reason === 'InvalidCertificateRef' && certs.length) evidence.push({ field: `${gw} spec.listeners[${status.name}].tls.certificateRefs`, value: certs.join(', ') });
        const cause = first.reason === 'InvalidCertificateRef' && certs.length ? `; its TLS certificate Secret ${certs.join(', ')} is missing or invalid` : '';
        drafts.push({
          severity: bad.every((c) => WARNING_REASONS.has(c.reason ?? '')) ? 'warning' : 'error',
          message: `${gw} ${label} does not work: ${formatCondition(first)}${cause}.`,
          evidence,
          hint: HINTS[first.reason ?? ''] ?? 'Fix the listener as the condition message says.',
          detail: status.name,
        });
        continue;
      }
      if (status.attachedRoutes > 0 || !listener) continue;
      const routes = routesTargeting(gateway, listener, context);
      if (routes.length === 0) continue;
      drafts.push({
        severity: 'warning',
        message: `${gw} ${label} has 0 attached routes although ${describe(routes[0])} targets it${routeVerdict(routes[0], gateway)}${routes.length > 1 ? ` (and ${routes.length - 1} more)` : ''}.`,
        evidence: [{ field: `${field}.attachedRoutes`, value: '0' }, ...routes.map((r) => ({ field: `${describe(r)} spec.parentRefs`, value: r.spec.parentRefs.map((p) => p.name + (p.sectionName ? `/${p.sectionName}` : '')).join(', ') }))],
        hint: "Look at the route's status.parents conditions and the controller logs: the controller has not attached it.",
        objects: routes.map(idOf),
        detail: status.name,
      });
    }
    return drafts;
  },
});
