/**
 * What the Ingress rules share: an Ingress's backends with where they sit and what they serve,
 * and the class a controller serves an Ingress under.
 */
import type { Ingress, IngressBackend, IngressClass } from '../../../shared/kube';
import { describe, type DiagnosticContext } from '../DiagnosticContext';

/** One backend of an Ingress: where it sits and what it serves. */
export interface PlacedBackend {
  backend: IngressBackend;
  /** `spec.defaultBackend`, `spec.rules[0].http.paths[1].backend`. */
  field: string;
  /** `shop.example.com/cart`, `/cart` for a rule without a host, or `default backend`. */
  where: string;
}

export type ServiceBackend = PlacedBackend & { service: NonNullable<IngressBackend['service']> };

/** The defaultBackend and every rule path's backend. */
export function backendsOf(ingress: Ingress): PlacedBackend[] {
  const list: PlacedBackend[] = [];
  if (ingress.spec.defaultBackend) list.push({ backend: ingress.spec.defaultBackend, field: 'spec.defaultBackend', where: 'default backend' });
  ingress.spec.rules.forEach((rule, i) =>
    rule.paths.forEach((path, j) => list.push({ backend: path.backend, field: `spec.rules[${i}].http.paths[${j}].backend`, where: `${rule.host ?? ''}${path.path || '/'}` })),
  );
  return list;
}

/** The backends that name a Service (not a Resource). */
export function serviceBackends(ingress: Ingress): ServiceBackend[] {
  return backendsOf(ingress).flatMap((b) => (b.backend.service ? [{ ...b, service: b.backend.service }] : []));
}

/** `Ingress shop/web sends shop.example.com/cart to`, or `Ingress shop/web's default backend is`: a message's start. */
export function sendsTo(ingress: Ingress, where: string): string {
  return where === 'default backend' ? `${describe(ingress)}'s default backend is` : `${describe(ingress)} sends ${where} to`;
}

/** The IngressClass an Ingress without a class gets: the one marked default, when exactly one is. */
export function defaultIngressClass(context: DiagnosticContext): IngressClass | undefined {
  const defaults = context.clusterScoped('IngressClass').filter((c) => c.spec.isDefault);
  return defaults.length === 1 ? defaults[0] : undefined;
}
