/**
 * Gateway API matching shared by the Gateway and route rules: which listeners a parentRef selects,
 * whether a listener admits a route (namespaces, kinds, hostnames, as the spec defines them), and
 * whether a ReferenceGrant allows a reference into another namespace.
 */
import type { Evidence } from '../../../shared/diagnostics';
import type { BackendRef, Condition, Gateway, GatewayListener, GRPCRoute, HTTPRoute, ParentRef } from '../../../shared/kube';
import { matchesLabelSelector } from '../../selectors';
import { defineRule, describe, formatLabels, type DiagnosticContext, type DiagnosticRule, type FindingDraft } from '../DiagnosticContext';
import { formatSelector } from './networkPolicies';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** How long a controller may take before "never reconciled" is worth saying. */
export const RECONCILE_GRACE_MS = 5 * 60_000;

export type Route = HTTPRoute | GRPCRoute;

/**
 * One rule on both route kinds: a rule has one subject kind, so it is defined on HTTPRoutes and
 * on GRPCRoutes with the same id, doc and check.
 */
export function onRoutes(
  rule: Omit<DiagnosticRule<'HTTPRoute'>, 'subject' | 'check'>,
  check: (route: Route, context: DiagnosticContext) => FindingDraft[],
): [DiagnosticRule<'HTTPRoute'>, DiagnosticRule<'GRPCRoute'>] {
  return [defineRule({ ...rule, subject: 'HTTPRoute', check }), defineRule({ ...rule, subject: 'GRPCRoute', check })];
}

export function conditionOf(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** `Programmed=False (AddressNotAssigned): no address left`. */
export function formatCondition(c: Condition): string {
  return `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`;
}

export function isGatewayParent(ref: ParentRef): boolean {
  return (ref.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && (ref.kind ?? 'Gateway') === 'Gateway';
}

export function isServiceBackend(ref: BackendRef): boolean {
  return (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service';
}

/** `infra/public`, `infra/public sectionName=https port=443`: a parentRef as messages name it. */
export function formatParentRef(ref: ParentRef, route: Route): string {
  const where = `${ref.namespace ?? route.metadata.namespace}/${ref.name}`;
  return `${where}${ref.sectionName ? ` sectionName=${ref.sectionName}` : ''}${ref.port !== undefined ? ` port=${ref.port}` : ''}`;
}

/** Whether a status entry's parentRef is the spec's parentRef, defaults applied (controllers often fill them in). */
export function sameParent(a: ParentRef, b: ParentRef, routeNamespace: string): boolean {
  return (
    (a.group ?? GATEWAY_GROUP) === (b.group ?? GATEWAY_GROUP) &&
    (a.kind ?? 'Gateway') === (b.kind ?? 'Gateway') &&
    (a.namespace ?? routeNamespace) === (b.namespace ?? routeNamespace) &&
    a.name === b.name &&
    a.sectionName === b.sectionName &&
    a.port === b.port
  );
}

/** The listeners a parentRef's sectionName and port pick (all of them when it names neither). */
export function selectedListeners(gateway: Gateway, ref: ParentRef): GatewayListener[] {
  return gateway.spec.listeners.filter((l) => (!ref.sectionName || l.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port));
}

/**
 * Whether two hostnames share a name, as Gateway API matches them: a leading `*.` stands for one
 * or more labels, so `*.example.com` meets `a.b.example.com` and `*.a.example.com` but not `example.com`.
 */
export function hostnamesIntersect(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  if (x === y || x === '*' || y === '*') return true;
  const covers = (wild: string, other: string) => wild.startsWith('*.') && other.length > wild.length - 1 && other.endsWith(wild.slice(1));
  return covers(x, y) || covers(y, x);
}

/** Route kinds a listener admits when allowedRoutes.kinds is empty, by protocol (the spec's core protocols only). */
const DEFAULT_KINDS: Readonly<Record<string, readonly string[]>> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute', 'TCPRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};

export type AttachReason = 'NoMatchingParent' | 'NotAllowedByListeners' | 'NoMatchingListenerHostname';

/** Why one listener refuses a route; undefined when it admits it or Strata cannot tell. */
export interface Refusal {
  reason: Exclude<AttachReason, 'NoMatchingParent'>;
  why: string;
  evidence: Evidence;
}

export function listenerRefusal(listener: GatewayListener, gateway: Gateway, route: Route, context: DiagnosticContext): Refusal | undefined {
  const gw = describe(gateway);
  const at = `${gw} spec.listeners[${listener.name}]`;
  const routeNs = route.metadata.namespace ?? '';
  const gatewayNs = gateway.metadata.namespace ?? '';
  const allowed = listener.allowedRoutes;
  const kinds = allowed?.kinds ?? DEFAULT_KINDS[listener.protocol.toUpperCase()];
  if (kinds && !kinds.includes(route.kind)) {
    const field = allowed?.kinds ? `${at}.allowedRoutes.kinds` : `${at}.protocol`;
    const value = allowed?.kinds ? allowed.kinds.join(', ') : listener.protocol;
    return { reason: 'NotAllowedByListeners', why: `listener ${listener.name} admits only ${kinds.join(', ')}`, evidence: { field, value } };
  }
  const from = allowed?.from ?? 'Same';
  if (from === 'Same' && routeNs !== gatewayNs) {
    return { reason: 'NotAllowedByListeners', why: `listener ${listener.name} admits routes only from namespace ${gatewayNs}`, evidence: { field: `${at}.allowedRoutes.namespaces.from`, value: 'Same' } };
  }
  // Without the Namespace object its labels are unknown (offline manifests): say nothing.
  if (from === 'Selector' && context.get('Namespace', routeNs)) {
    const selector = allowed?.selector ?? {};
    const labels = context.namespaceLabels(routeNs);
    if (!matchesLabelSelector(labels, selector)) {
      const want = formatSelector(selector);
      return {
        reason: 'NotAllowedByListeners',
        why: `listener ${listener.name} admits routes only from namespaces matching ${want}, and namespace ${routeNs} has ${formatLabels(labels)}`,
        evidence: { field: `${at}.allowedRoutes.namespaces.selector`, value: want },
      };
    }
  }
  if (listener.hostname && route.spec.hostnames.length > 0 && !route.spec.hostnames.some((h) => hostnamesIntersect(h, listener.hostname!))) {
    return {
      reason: 'NoMatchingListenerHostname',
      why: `listener ${listener.name} serves ${listener.hostname}, which none of the route's hostnames (${route.spec.hostnames.join(', ')}) matches`,
      evidence: { field: `${at}.hostname`, value: listener.hostname },
    };
  }
  return undefined;
}

/** Why a route cannot attach to a Gateway through a parentRef: no listener selected, or every selected one refuses it. */
export interface AttachmentProblem {
  reason: AttachReason;
  why: string;
  evidence: Evidence[];
}

export function attachmentProblem(route: Route, ref: ParentRef, gateway: Gateway, context: DiagnosticContext): AttachmentProblem | undefined {
  const listeners = selectedListeners(gateway, ref);
  if (listeners.length === 0) {
    const names = gateway.spec.listeners.map((l) => `${l.name}:${l.port}`).join(', ') || 'none';
    const wanted = [ref.sectionName && `named ${ref.sectionName}`, ref.port !== undefined && `on port ${ref.port}`].filter(Boolean).join(' ');
    return { reason: 'NoMatchingParent', why: `it has no listener ${wanted} (listeners: ${names})`, evidence: [{ field: `${describe(gateway)} spec.listeners`, value: names }] };
  }
  const refusals: Refusal[] = [];
  for (const listener of listeners) {
    const refusal = listenerRefusal(listener, gateway, route, context);
    if (!refusal) return undefined;
    refusals.push(refusal);
  }
  // A listener that admits the route's namespace and kind but not its hostnames is the nearer miss.
  const reason = refusals.some((r) => r.reason === 'NoMatchingListenerHostname') ? 'NoMatchingListenerHostname' : 'NotAllowedByListeners';
  return { reason, why: refusals.map((r) => r.why).join('; '), evidence: refusals.map((r) => r.evidence) };
}

/** Whether a ReferenceGrant in `target` lets `from` (group, kind, namespace) refer to `to` (group, kind, name). */
export function grantAllows(
  context: DiagnosticContext,
  target: string,
  from: { group: string; kind: string; namespace: string },
  to: { group: string; kind: string; name: string },
): boolean {
  return context
    .inNamespace('ReferenceGrant', target)
    .some(
      (g) =>
        g.spec.from.some((f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
        g.spec.to.some((t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === to.name)),
    );
}
