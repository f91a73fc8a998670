import { idOf } from '../../../shared/kube';
import { defineRule, describe } from '../DiagnosticContext';

export const icMultipleDefaults = defineRule({
  id: 'ic.multiple-defaults',
  severity: 'warning',
  layer: 'entry',
  title: 'More than one default IngressClass',
  subject: 'IngressClass',
  hint: 'Keep ingressclass.kubernetes.io/is-default-class: "true" on a single IngressClass.',
  doc: {
    condition: 'More than one IngressClass carries the annotation ingressclass.kubernetes.io/is-default-class: "true". Each default class gets a finding naming the others. With several defaults, recent API servers give a new Ingress that names no class the newest default (older ones refuse the Ingress), and some controllers refuse to pick a default at all.',
    example: 'IngressClass nginx is marked default, and so is IngressClass traefik; which class an Ingress without spec.ingressClassName gets depends on the API server version and the controller.',
    anchors: 'None of the anchors checks this.',
  },
  check(ingressClass, context) {
    if (!ingressClass.spec.isDefault) return undefined;
    const others = context.clusterScoped('IngressClass').filter((c) => c.spec.isDefault && c.metadata.name !== ingressClass.metadata.name);
    if (others.length === 0) return undefined;
    const names = others.map((c) => c.metadata.name).sort();
    return {
      message: `${describe(ingressClass)} is marked default, and so ${names.length > 1 ? 'are' : 'is'} ${names.map((n) => `IngressClass ${n}`).join(', ')}; which class an Ingress without spec.ingressClassName gets depends on the API server version and the controller.`,
      evidence: [ingressClass, ...others].map((c) => ({ field: `${describe(c)} metadata.annotations[ingressclass.kubernetes.io/is-default-class]`, value: 'true' })),
      hint: `Remove the is-default-class annotation from all but one of ${[ingressClass.metadata.name, ...names].sort().join(', ')}.`,
      objects: others.map(idOf),
    };
  },
});
