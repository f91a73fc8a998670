import type { Ingress, IngressBackend } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { defineRule, describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { defaultIngressClass } from './ingresses';

/** One rule path of an Ingress: what it matches and where it sends it. */
interface RulePath {
  ingress: Ingress;
  host: string;
  path: string;
  pathType: string;
  backend: IngressBackend;
  field: string;
}

/** Prefix matching ignores a trailing slash (`/foo/` is `/foo`), so two such paths are one. */
const normalPath = (path: string | undefined, pathType: string) => {
  const p = path || '/';
  return pathType === 'Prefix' && p.length > 1 ? p.replace(/\/+$/, '') || '/' : p;
};

function pathsOf(ingress: Ingress): RulePath[] {
  return ingress.spec.rules.flatMap((rule, i) =>
    rule.paths.map((p, j) => ({ ingress, host: (rule.host ?? '').toLowerCase(), path: normalPath(p.path, p.pathType), pathType: p.pathType, backend: p.backend, field: `spec.rules[${i}].http.paths[${j}]` })),
  );
}

/** The class a controller serves the Ingress under: the one it names, else the single default. */
function effectiveClass(ingress: Ingress, defaultClass: string | undefined): string | undefined {
  return ingress.spec.ingressClassName ?? defaultClass;
}

/** A backend as a comparable string; a port name and the number it stands for are the same backend. */
function backendKey(backend: IngressBackend, namespace: string, context: DiagnosticContext): string {
  if (backend.resource) return `resource:${backend.resource.apiGroup ?? ''}/${backend.resource.kind}/${backend.resource.name}`;
  const service = backend.service;
  if (!service) return '(none)';
  let port = service.port.number;
  if (port === undefined && service.port.name !== undefined) port = context.get('Service', service.name, namespace)?.spec.ports.find((p) => p.name === service.port.name)?.port;
  return `service:${service.name}:${port ?? service.port.name ?? ''}`;
}

function describeBackend(backend: IngressBackend): string {
  if (backend.resource) return `${backend.resource.kind} ${backend.resource.name}`;
  const service = backend.service;
  return service ? `Service ${service.name}:${service.port.name ?? service.port.number ?? '?'}` : '(no backend)';
}

export const ingHostPathConflict = defineRule({
  id: 'ing.host-path.conflict',
  severity: 'warning',
  layer: 'entry',
  title: 'Two Ingresses route the same host and path to different backends',
  subject: 'Ingress',
  hint: 'Merge the Ingresses, or make their hosts or paths unique.',
  doc: {
    condition:
      'Another rule path of the same effective class (spec.ingressClassName, else the single default IngressClass) in the same namespace, in another Ingress or in this one, has the same host, path and pathType and a different backend. A Prefix path with a trailing slash equals the one without; a port name equals the number it stands for. One finding per conflicting path. Only Ingresses of the same namespace are compared: a cross-namespace check would need every Ingress of the cluster on every change.',
    example: 'Ingress shop/web sends shop.example.com/api (Prefix) to Service api:80, but Ingress shop/web-v2 sends it to Service api-v2:80; the controller serves only one of them.',
    anchors: 'None of the anchors checks this. Strata compares the effective class (the default class for Ingresses without one) and normalises paths as controllers match them.',
  },
  check(ingress, context) {
    const namespace = ingress.metadata.namespace ?? '';
    const defaultClass = defaultIngressClass(context)?.metadata.name;
    const mine = effectiveClass(ingress, defaultClass);
    const others = context.inNamespace('Ingress', namespace).filter((i) => effectiveClass(i, defaultClass) === mine);
    const drafts: FindingDraft[] = [];
    const own = pathsOf(ingress);
    const theirs = others.flatMap(pathsOf);
    for (const route of own) {
      const key = backendKey(route.backend, namespace, context);
      const same = (r: RulePath) => r.ingress === ingress && r.field === route.field;
      const rivals = theirs.filter((r) => !same(r) && r.host === route.host && r.path === route.path && r.pathType === route.pathType && backendKey(r.backend, namespace, context) !== key);
      if (rivals.length === 0) continue;
      const rival = rivals[0];
      const where = `${route.host}${route.path}`;
      const other = rival.ingress === ingress ? 'another of its own rules' : describe(rival.ingress);
      drafts.push({
        message: `${describe(ingress)} sends ${where} (${route.pathType}) to ${describeBackend(route.backend)}, but ${other} sends it to ${describeBackend(rival.backend)}; the controller serves only one of them.`,
        evidence: [
          { field: `${describe(ingress)} ${route.field}`, value: `${where} ${route.pathType} → ${describeBackend(route.backend)}` },
          ...rivals.slice(0, 3).map((r) => ({ field: `${describe(r.ingress)} ${r.field}`, value: `${r.host}${r.path} ${r.pathType} → ${describeBackend(r.backend)}` })),
        ],
        hint: 'Merge the Ingresses, or make their hosts or paths unique, so that one backend answers each host and path.',
        objects: [...new Set(rivals.map((r) => idOf(r.ingress)))],
        detail: `${where} ${route.pathType}`,
      });
    }
    return drafts;
  },
});
