import { SERVICE_NAME_LABEL } from '../../../shared/kube';
import { defineRule, describe, type DiagnosticContext } from '../DiagnosticContext';

/**
 * Whether EndpointSlices are observed at all: the API server keeps one for default/kubernetes in every
 * cluster, and any observed slice in the namespace shows they are watched there. From manifests
 * (offline) a hand-made v1 Endpoints object is invisible to Strata, so silence is the honest answer.
 */
function slicesObserved(namespace: string, context: DiagnosticContext): boolean {
  return context.get('EndpointSlice', 'kubernetes', 'default') !== undefined || context.inNamespace('EndpointSlice', namespace).some((s) => !s.synthesized);
}

export const svcSelectorlessNoEndpoints = defineRule({
  id: 'svc.selectorless.no-endpoints',
  severity: 'error',
  layer: 'endpoints',
  title: 'Selectorless Service has no EndpointSlice',
  subject: 'Service',
  hint: 'Create an EndpointSlice (or a v1 Endpoints object, which is mirrored) for the Service, or give it a selector.',
  doc: {
    condition:
      `The Service has no selector (or an empty one), is not ExternalName, and no EndpointSlice labelled ${SERVICE_NAME_LABEL}=<name> exists in its namespace. A v1 Endpoints object would be mirrored into such a slice, so its absence is covered. Only when EndpointSlices are observed (the default/kubernetes slice exists, or the namespace has an observed slice): from manifests alone a hand-made Endpoints object cannot be seen.`,
    example: 'Service shop/legacy-db has no selector and no EndpointSlice labelled kubernetes.io/service-name=legacy-db, so it has no backends.',
    anchors: 'None of the anchors checks this (Radar only notes svc:selectorless as info; Popeye and k8sgpt skip selectorless Services). Strata reads the EndpointSlices directly, including mirrored ones.',
  },
  check(service, context) {
    if (service.spec.type === 'ExternalName') return undefined;
    if (service.spec.selector && Object.keys(service.spec.selector).length > 0) return undefined;
    const namespace = service.metadata.namespace ?? '';
    if (context.slicesOf(service).length > 0 || !slicesObserved(namespace, context)) return undefined;
    return {
      message: `${describe(service)} has no selector and no EndpointSlice labelled ${SERVICE_NAME_LABEL}=${service.metadata.name}, so it has no backends.`,
      evidence: [
        { field: `${describe(service)} spec.selector`, value: '(none)' },
        { field: `EndpointSlices in ${namespace} labelled ${SERVICE_NAME_LABEL}=${service.metadata.name}`, value: '0' },
      ],
      hint: `Create an EndpointSlice labelled ${SERVICE_NAME_LABEL}=${service.metadata.name} whose port names match the Service's (or a v1 Endpoints object named ${service.metadata.name}), or give the Service a selector.`,
    };
  },
});
