import { idOf } from '../../../shared/kube';
import { defineRule, describe } from '../DiagnosticContext';

/** Classes GKE's built-in controller serves from the legacy annotation without an IngressClass object. */
const IMPLICIT_CLASSES: ReadonlySet<string> = new Set(['gce', 'gce-internal']);

export const ingClassUnresolved = defineRule({
  id: 'ing.class.unresolved',
  severity: 'error',
  layer: 'entry',
  title: 'Ingress class does not resolve',
  subject: 'Ingress',
  hint: 'Set spec.ingressClassName to a class that exists (`kubectl get ingressclass`).',
  doc: {
    condition:
      "Error: spec.ingressClassName (or the legacy kubernetes.io/ingress.class annotation, which Strata reads as the class name) names an IngressClass that does not exist, checked only when the cluster shows some IngressClass (none at all may mean they cannot be read); GKE's `gce` and `gce-internal` are exempt. Warning: the Ingress names no class and no IngressClass is marked default, when IngressClasses exist, or when none exist and no known Ingress controller pod runs either (a controller watching classless Ingresses may serve it otherwise).",
    example: 'Ingress shop/web names IngressClass nginx-public, which does not exist (the classes are nginx, traefik).',
    anchors: 'k8sgpt Ingress (its "does not specify an Ingress class" ignores the default class, so it false-positives), Radar "Missing IngressClass" and ingress:no-controller. Strata takes the default IngressClass into account and lists the classes that exist.',
  },
  check(ingress, context) {
    const className = ingress.spec.ingressClassName;
    const classes = context.clusterScoped('IngressClass');
    const names = classes.map((c) => c.metadata.name).sort();
    const field = `${describe(ingress)} spec.ingressClassName`;
    if (className !== undefined) {
      if (!context.hasAny('IngressClass') || IMPLICIT_CLASSES.has(className) || context.get('IngressClass', className)) return undefined;
      return {
        message: `${describe(ingress)} names IngressClass ${className}, which does not exist (the classes are ${names.join(', ')}).`,
        evidence: [
          { field, value: className },
          { field: 'IngressClass names', value: names.join(', ') },
        ],
        hint: `Set spec.ingressClassName to one of ${names.join(', ')}, or create IngressClass ${className} for the controller that should serve it.`,
        objects: [],
      };
    }
    const defaults = classes.filter((c) => c.spec.isDefault);
    if (defaults.length > 0) return undefined;
    if (classes.length === 0 && context.podsWithRole('ingress-controller').length > 0) return undefined;
    const none = classes.length === 0;
    return {
      severity: 'warning',
      message: none
        ? `${describe(ingress)} names no IngressClass, and the cluster has no IngressClass and no known Ingress controller, so nothing may serve it.`
        : `${describe(ingress)} names no IngressClass and none of the classes (${names.join(', ')}) is marked default, so controllers may ignore it.`,
      evidence: [
        { field, value: '(unset, no kubernetes.io/ingress.class annotation)' },
        { field: 'IngressClass ingressclass.kubernetes.io/is-default-class', value: none ? '(no IngressClass)' : '(none is "true")' },
      ],
      hint: none
        ? 'Install an Ingress controller, then set spec.ingressClassName to its class.'
        : `Set spec.ingressClassName (one of ${names.join(', ')}), or mark one class default with ingressclass.kubernetes.io/is-default-class: "true".`,
      objects: classes.map(idOf),
    };
  },
});
