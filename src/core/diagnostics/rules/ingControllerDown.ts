import type { IngressClass, Pod } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { defineRule, describe, type DiagnosticContext } from '../DiagnosticContext';
import { defaultIngressClass } from './ingresses';
import { appName, isLivePod } from './pods';
import { plural } from './wording';
import { workloadKey } from './workloads';

/** A controller string that does not contain its pods' name (F5 NGINX's pods are `nginx-ingress`). */
const POD_NAMES_OF: Readonly<Record<string, string>> = { 'nginx.org/ingress-controller': 'nginx-ingress' };
/** A pod name too generic to tell which controller it runs. */
const GENERIC = 'ingress-controller';

/** The class that serves an Ingress: the one it names, or the single default class. */
function classOf(className: string | undefined, context: DiagnosticContext): { name: string; object?: IngressClass } | undefined {
  if (className !== undefined) return { name: className, object: context.get('IngressClass', className) };
  const byDefault = defaultIngressClass(context);
  return byDefault && { name: byDefault.metadata.name, object: byDefault };
}

/**
 * The controller pods of a class, like ingressControllerPods (src/core/policy/ingressRoute.ts) but
 * with no fallback to every controller: a pod counts only when the class's controller string (or,
 * without an IngressClass object, its name) names the pod's app.
 */
function controllerPods(className: string, controller: string | undefined, context: DiagnosticContext): Pod[] {
  const matches = (app: string) => {
    if (!app || app === GENERIC) return false;
    if (controller !== undefined) return controller.includes(app) || POD_NAMES_OF[controller] === app;
    return app.includes(className) || className.includes(app);
  };
  return context.podsWithRole('ingress-controller').filter((p) => matches(appName(p)) && isLivePod(p));
}

export const ingControllerDown = defineRule({
  id: 'ing.controller.down',
  severity: 'error',
  layer: 'entry',
  title: 'Ingress controller has no ready pod',
  subject: 'Ingress',
  hint: 'Fix the Ingress controller pods (see why they are not Ready).',
  doc: {
    condition:
      "The Ingress's class (spec.ingressClassName or the single default IngressClass) has controller pods, found by the labels the common controllers' charts set and narrowed to the ones its IngressClass's spec.controller names (by the class name when no IngressClass object exists), and none of them is Ready. Does not fire when no controller pod is known at all (cloud controllers such as AWS ALB or GCE run their data plane outside the cluster, and unknown controllers go unrecognised), when a pod's readiness is unknown, or when the class is not resolved (ing.class.unresolved). Pods being deleted or finished do not count. When several instances of one controller serve different classes, Strata cannot tell their pods apart and fires only when all of them are down. The controller Service's endpoints and a cloud class's empty load-balancer status are not checked.",
    example: 'Ingress shop/web is served by IngressClass nginx (k8s.io/ingress-nginx), and none of its 2 controller pods (Deployment ingress-nginx/ingress-nginx-controller) is Ready: container controller is waiting: CrashLoopBackOff.',
    anchors: 'Radar ingress:controller-unready (warning, any pod of a known controller cluster-wide). Strata narrows the pods to the class\'s controller, says why they are not Ready, and never falls back to an unrelated controller.',
  },
  check(ingress, context) {
    const ingressClass = classOf(ingress.spec.ingressClassName, context);
    // A class that names a missing IngressClass is ing.class.unresolved's finding.
    if (!ingressClass || (!ingressClass.object && context.hasAny('IngressClass'))) return undefined;
    const controller = ingressClass.object?.spec.controller;
    const pods = controllerPods(ingressClass.name, controller, context);
    if (pods.length === 0 || pods.some((p) => p.status.ready !== false)) return undefined;
    const where = workloadKey(pods[0], context).name;
    const why = pods[0].status.notReady ? `: ${pods[0].status.notReady}` : '';
    const count = pods.length === 1 ? 'its controller pod' : `its ${plural(pods.length, 'controller pod')}`;
    const shown = pods.slice(0, 5);
    return {
      message: `${describe(ingress)} is served by IngressClass ${ingressClass.name}${controller ? ` (${controller})` : ''}, and none of ${count} (${where}) is Ready${why}.`,
      evidence: [
        { field: `${describe(ingress)} spec.ingressClassName`, value: ingress.spec.ingressClassName ?? `(unset; default class ${ingressClass.name})` },
        ...(controller ? [{ field: `IngressClass ${ingressClass.name} spec.controller`, value: controller }] : []),
        ...shown.map((p) => ({ field: `${describe(p)} status.conditions[Ready]`, value: `False${p.status.notReady ? ` (${p.status.notReady})` : ''}` })),
      ],
      hint: `Fix the controller pods of ${where}: until one is Ready, nothing serves this Ingress's traffic.`,
      objects: [...(ingressClass.object ? [idOf(ingressClass.object)] : []), ...shown.map(idOf)],
    };
  },
});
