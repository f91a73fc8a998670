import { objectId } from '../../../shared/kube';
import { defineRule, describe, type FindingDraft } from '../DiagnosticContext';
import { sendsTo, serviceBackends } from './ingresses';

/** Edit distance, to suggest the Service that was probably meant (`cart` for `carts`). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

export const ingBackendServiceMissing = defineRule({
  id: 'ing.backend.service-missing',
  severity: 'error',
  layer: 'entry',
  title: 'Ingress backend Service does not exist',
  subject: 'Ingress',
  hint: 'Fix the Service name or create the Service; an Ingress backend must be in the Ingress namespace.',
  doc: {
    condition: "A backend of the Ingress (its defaultBackend or any rule path) names a Service that does not exist in the Ingress's namespace. One finding per such backend; Resource backends are not checked.",
    example: 'Ingress shop/web sends shop.example.com/cart to Service shop/carts, which does not exist in shop; did you mean Service shop/cart?',
    anchors: 'Popeye 1401 (rule paths only), kube-linter dangling-ingress, k8sgpt Ingress, Radar "Missing backend Service". Strata checks the defaultBackend too, reports each backend by host and path, and names the closest Service of the namespace.',
  },
  check(ingress, context) {
    const namespace = ingress.metadata.namespace ?? '';
    const drafts: FindingDraft[] = [];
    for (const { service, field, where } of serviceBackends(ingress)) {
      if (context.get('Service', service.name, namespace)) continue;
      const closest = context
        .inNamespace('Service', namespace)
        .map((s) => s.metadata.name)
        .filter((name) => distance(name, service.name) <= 2)
        .sort((a, b) => distance(a, service.name) - distance(b, service.name))[0];
      const guess = closest ? `; did you mean Service ${namespace}/${closest}?` : '.';
      drafts.push({
        message: `${sendsTo(ingress, where)} Service ${namespace}/${service.name}, which does not exist in ${namespace}${guess}`,
        evidence: [{ field: `${describe(ingress)} ${field}.service.name`, value: service.name }],
        hint: closest ? `Point the backend at Service ${closest}, or create Service ${service.name}.` : `Create Service ${service.name} in ${namespace}, or fix the backend's name; Ingress backends must be in the Ingress namespace.`,
        objects: closest ? [objectId('Service', closest, namespace)] : [],
        detail: where,
      });
    }
    return drafts;
  },
});
