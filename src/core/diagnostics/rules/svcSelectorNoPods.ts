import type { Pod, Service, Workload } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { matchesServiceSelector } from '../../selectors';
import { defineRule, describe, formatLabels, type DiagnosticContext } from '../DiagnosticContext';
import { selectsPods } from './services';
import { workloadKey } from './workloads';

/** The pod whose labels come closest to a selector: the most selector entries matched, then the most keys present. */
function closestPod(selector: Record<string, string>, pods: readonly Pod[]): Pod | undefined {
  const entries = Object.entries(selector);
  const score = (pod: Pod) => {
    const labels = pod.metadata.labels ?? {};
    return entries.reduce((sum, [k, v]) => sum + (labels[k] === v ? 2 : k in labels ? 1 : 0), 0);
  };
  let best = 0;
  let closest: Pod | undefined;
  for (const pod of pods) {
    const s = score(pod);
    if (s > best) [best, closest] = [s, pod];
  }
  return closest;
}

/** What differs between a selector and a pod's labels: `app=carts (selector wants app=cart)`. */
function labelDiff(selector: Record<string, string>, pod: Pod): string {
  const labels = pod.metadata.labels ?? {};
  return Object.entries(selector)
    .filter(([k, v]) => labels[k] !== v)
    .map(([k, v]) => (k in labels ? `${k}=${labels[k]} (selector wants ${k}=${v})` : `no label ${k} (selector wants ${k}=${v})`))
    .join(', ');
}

/** A Deployment or StatefulSet scaled to zero whose pods the selector would pick: the empty Service is intended. */
function scaledToZero(service: Service, context: DiagnosticContext): Workload | undefined {
  for (const kind of ['Deployment', 'StatefulSet'] as const) {
    for (const workload of context.inNamespace(kind)) {
      if (workload.spec.replicas === 0 && matchesServiceSelector(workload.spec.template.labels, service.spec.selector)) return workload;
    }
  }
  return undefined;
}

export const svcSelectorNoPods = defineRule({
  id: 'svc.selector.no-pods',
  severity: 'error',
  layer: 'service',
  title: 'Service selector matches no pods',
  subject: 'Service',
  hint: 'Fix the selector or the pod template labels so that they agree.',
  doc: {
    condition: 'The Service has a non-empty selector, is not ExternalName, and no pod of its namespace carries every label of the selector. Info instead of error when a Deployment or StatefulSet that the selector would pick is scaled to 0.',
    example: 'Service shop/cart selects app=cart, which no pod in shop carries; the closest pods (Deployment shop/cart) have app=carts (selector wants app=cart).',
    anchors: 'Popeye 1100, kube-linter dangling-service, Radar. Strata also names the closest pods and the labels that differ.',
  },
  check(service, context) {
    const selector = service.spec.selector;
    if (!selector || !selectsPods(service) || context.podsForService(service).length > 0) return undefined;
    const namespace = service.metadata.namespace ?? '';
    const idle = scaledToZero(service, context);
    if (idle) {
      return {
        severity: 'info',
        message: `${describe(service)} has no pods because ${describe(idle)} is scaled to 0.`,
        evidence: [{ field: `${describe(service)} spec.selector`, value: formatLabels(selector) }, { field: `${describe(idle)} spec.replicas`, value: '0' }],
        hint: 'Scale the workload up when the Service should answer; nothing is wrong otherwise.',
        objects: [idOf(idle)],
      };
    }
    const closest = closestPod(selector, context.inNamespace('Pod'));
    const evidence = [{ field: `${describe(service)} spec.selector`, value: formatLabels(selector) }];
    if (!closest) {
      return {
        message: `${describe(service)} selects ${formatLabels(selector)}, which no pod in ${namespace} carries.`,
        evidence,
        hint: 'Deploy the pods this Service is for, or fix its selector.',
      };
    }
    const owner = workloadKey(closest, context);
    evidence.push({ field: `${describe(closest)} metadata.labels`, value: formatLabels(closest.metadata.labels) });
    return {
      message: `${describe(service)} selects ${formatLabels(selector)}, which no pod in ${namespace} carries; the closest pods (${owner.name}) have ${labelDiff(selector, closest)}.`,
      evidence,
      hint: 'Fix the selector or the pod template labels so that they agree.',
      objects: [owner.id],
    };
  },
});
