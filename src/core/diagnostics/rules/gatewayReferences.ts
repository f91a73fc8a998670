/**
 * Gateway API references that do not resolve, as the route and Gateway rules check them from the
 * specs: backendRefs to a missing Service or port, and references into another namespace that no
 * ReferenceGrant allows. rt.status.condition asks them too, to leave what they explain to them.
 */
import type { Evidence } from '../../../shared/diagnostics';
import type { BackendRef, Condition, Service } from '../../../shared/kube';
import { idOf, objectId } from '../../../shared/kube';
import { describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { conditionOf, GATEWAY_GROUP, grantAllows, isServiceBackend, type Route } from './gatewayApi';

/**
 * Why a Service named in another namespace is missing, or undefined when Strata cannot tell:
 * without Namespace objects (offline manifests) an unseen namespace may just not be loaded.
 */
function whyAbsent(ns: string, routeNs: string, context: DiagnosticContext): string | undefined {
  // A source scoped to some namespaces does not see what is in the others.
  if (!context.observes(ns)) return undefined;
  if (ns === routeNs || context.get('Namespace', ns)) return 'which does not exist';
  if (context.hasAny('Namespace')) return `whose namespace ${ns} does not exist`;
  return context.inNamespace('Service', ns).length > 0 ? 'which does not exist' : undefined;
}

/** What is wrong with a Service backendRef's port, if anything. */
function portProblem(ref: BackendRef, service: Service): { problem: string; hint: string } | undefined {
  const ports = service.spec.ports;
  if (ref.port === undefined) return { problem: 'sets no port', hint: `Set the backendRef port to a port of the Service (${ports.map((p) => p.port).join(', ') || 'none'}).` };
  // An ExternalName Service may declare no ports: the port is passed through.
  if (ports.some((p) => p.port === ref.port) || (service.spec.type === 'ExternalName' && ports.length === 0)) return undefined;
  const target = ports.find((p) => p.targetPort === ref.port);
  const declared = ports.map((p) => `${p.port}${p.name ? ` (${p.name})` : ''}`).join(', ') || 'none';
  if (target) return { problem: `uses port ${ref.port}, which is the container port (targetPort) behind Service port ${target.port}`, hint: `Use the Service port ${target.port}, not the container port.` };
  return { problem: `uses port ${ref.port}, which the Service does not expose (ports: ${declared})`, hint: 'Set the backendRef port to one of the Service ports.' };
}

/** The Service backendRefs of a route that name a missing Service or a port it does not expose. */
export function missingBackends(route: Route, context: DiagnosticContext): FindingDraft[] {
  const routeNs = route.metadata.namespace ?? '';
  const rt = describe(route);
  // The spec's data-plane semantics: requests for an invalid backend get a 500 (gRPC: an error status).
  const effect = route.kind === 'HTTPRoute' ? 'its share of requests gets HTTP 500' : 'its share of calls fails';
  const drafts: FindingDraft[] = [];
  route.spec.rules.forEach((rule, r) =>
    rule.backendRefs.forEach((ref, b) => {
      if (!isServiceBackend(ref)) return;
      const ns = ref.namespace ?? routeNs;
      const field = `${rt} spec.rules[${r}].backendRefs[${b}]`;
      const evidence = [{ field, value: `Service ${ns}/${ref.name}${ref.port !== undefined ? `:${ref.port}` : ''}` }];
      const where = `${rt} rule ${r + 1} sends traffic to Service ${ns}/${ref.name}`;
      // A weight-0 backend takes no traffic: still wrong, but nothing breaks.
      const severity = ref.weight === 0 ? 'warning' : 'error';
      const service = context.get('Service', ref.name, ns);
      const objects = [objectId('Service', ref.name, ns)];
      if (!service) {
        const why = whyAbsent(ns, routeNs, context);
        if (why) drafts.push({ severity, message: `${where}, ${why} (${effect}).`, evidence, hint: `Fix the backendRef name${ref.namespace ? ' or namespace' : ''}, or create the Service.`, objects, detail: `${r}.${b}` });
        return;
      }
      const port = portProblem(ref, service);
      if (!port) return;
      evidence.push({ field: `${describe(service)} spec.ports`, value: service.spec.ports.map((p) => `${p.port}->${p.targetPort}`).join(', ') || '(none)' });
      drafts.push({ severity, message: `${where}, but the backendRef ${port.problem} (${effect}).`, evidence, hint: port.hint, objects, detail: `${r}.${b}` });
    }),
  );
  return drafts;
}

/** The grants of the target namespace that were probably meant, as evidence (a wrong kind or namespace in from). */
export function nearGrants(target: string, kind: string, context: DiagnosticContext): { evidence: Evidence[]; ids: string[] } {
  const grants = context.inNamespace('ReferenceGrant', target).filter((g) => g.spec.to.some((t) => t.kind === kind));
  return {
    evidence: grants.map((g) => ({ field: `${describe(g)} spec.from`, value: g.spec.from.map((f) => `${f.kind || '?'} in ${f.namespace || '?'}`).join(', ') })),
    ids: grants.map(idOf),
  };
}

/** The ReferenceGrant to create, in words. */
export function grantHint(target: string, fromKind: string, fromNs: string, toKind: string, name: string): string {
  return `Create a ReferenceGrant in namespace ${target} with from {group: ${GATEWAY_GROUP}, kind: ${fromKind}, namespace: ${fromNs}} and to {group: "", kind: ${toKind}, name: ${name}}.`;
}

/** Whether the controller says every reference of a parent or listener resolved. */
export const refsResolved = (conditions: readonly Condition[] | undefined): boolean => conditionOf(conditions, 'ResolvedRefs')?.status === 'True';

/** The cross-namespace Service backendRefs of a route that no ReferenceGrant allows. */
export function missingGrants(route: Route, context: DiagnosticContext): FindingDraft[] {
  const parents = route.status?.parents ?? [];
  if (parents.length > 0 && parents.every((p) => refsResolved(p.conditions))) return [];
  const routeNs = route.metadata.namespace ?? '';
  const rt = describe(route);
  const drafts: FindingDraft[] = [];
  route.spec.rules.forEach((rule, r) =>
    rule.backendRefs.forEach((ref, b) => {
      const target = ref.namespace ?? routeNs;
      if (!isServiceBackend(ref) || target === routeNs) return;
      if (grantAllows(context, target, { group: GATEWAY_GROUP, kind: route.kind, namespace: routeNs }, { group: '', kind: 'Service', name: ref.name })) return;
      const near = nearGrants(target, 'Service', context);
      drafts.push({
        message: `${rt} rule ${r + 1} sends traffic to Service ${target}/${ref.name}, but no ReferenceGrant in ${target} allows ${route.kind}s from namespace ${routeNs} to reach it (RefNotPermitted).`,
        evidence: [{ field: `${rt} spec.rules[${r}].backendRefs[${b}]`, value: `Service ${target}/${ref.name}` }, ...near.evidence],
        hint: grantHint(target, route.kind, routeNs, 'Service', ref.name),
        objects: [objectId('Service', ref.name, target), ...near.ids],
        detail: `${r}.${b}`,
      });
    }),
  );
  return drafts;
}
