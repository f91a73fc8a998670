import type { EndpointSlicePort, Service } from '../../../shared/kube';
import { idOf, SERVICE_NAME_LABEL } from '../../../shared/kube';
import { defineRule, describe, type FindingDraft } from '../DiagnosticContext';

const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const CONTROLLER = 'endpointslice-controller.k8s.io';
const MIRRORING = 'endpointslicemirroring-controller.k8s.io';

const quoted = (name: string | undefined, protocol: string) => `"${name ?? ''}"/${protocol}`;
const matches = (slicePort: EndpointSlicePort, service: Service) => service.spec.ports.some((p) => (p.name ?? '') === (slicePort.name ?? '') && p.protocol === slicePort.protocol);

export const epsManualPortMismatch = defineRule({
  id: 'eps.manual.port-mismatch',
  severity: 'error',
  layer: 'endpoints',
  title: 'Hand-made EndpointSlice that kube-proxy cannot use',
  subject: 'EndpointSlice',
  hint: 'Make the EndpointSlice port names equal the Service port names (both "" for a single unnamed port).',
  doc: {
    condition:
      `An EndpointSlice not managed by ${CONTROLLER} (its ${MANAGED_BY} label says another manager or nothing; Strata's own derived slices are skipped), labelled ${SERVICE_NAME_LABEL} for an existing non-ExternalName Service, that kube-proxy cannot join to it: addressType FQDN (kube-proxy ignores those), no ports while it has endpoints, or a port whose name and protocol match no Service port (kube-proxy joins on the port name). One finding per unmatched port. Slices mirrored from a v1 Endpoints object are checked too: the fix is then in the Endpoints object.`,
    example: 'EndpointSlice shop/legacy-db-1 port "postgres"/TCP matches no port of Service shop/legacy-db (its ports are "pg"/TCP), so kube-proxy routes nothing to its endpoints on that port.',
    anchors: 'None of the anchors checks this (Popeye and k8sgpt read v1 Endpoints only, Radar skips EndpointSlices). Strata joins slices to Service ports by name and protocol, as kube-proxy does.',
  },
  check(slice, context) {
    if (slice.synthesized) return undefined;
    const manager = slice.metadata.labels?.[MANAGED_BY];
    if (manager === CONTROLLER) return undefined;
    const serviceName = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    const service = serviceName ? context.get('Service', serviceName, slice.metadata.namespace) : undefined;
    if (!service || service.spec.type === 'ExternalName') return undefined;
    const mirrored = manager === MIRRORING;
    const fixIn = mirrored ? `the v1 Endpoints object ${slice.metadata.namespace}/${service.metadata.name}, which this slice mirrors` : 'the EndpointSlice';
    const managedBy = { field: `${describe(slice)} metadata.labels[${MANAGED_BY}]`, value: manager ?? '(none)' };
    const servicePorts = service.spec.ports.map((p) => quoted(p.name, p.protocol)).join(', ') || '(none)';
    const objects = [idOf(service)];

    if (slice.addressType === 'FQDN') {
      return {
        message: `${describe(slice)} has addressType FQDN, which kube-proxy ignores, so ${describe(service)} gets no endpoints from it.`,
        evidence: [{ field: `${describe(slice)} addressType`, value: 'FQDN' }, managedBy],
        hint: `Resolve the name to IP addresses in an IPv4/IPv6 EndpointSlice, or make ${describe(service)} an ExternalName Service.`,
        objects,
        detail: 'fqdn',
      };
    }
    if (slice.ports.length === 0) {
      if (slice.endpoints.length === 0 || service.spec.ports.length === 0) return undefined;
      return {
        message: `${describe(slice)} lists no ports, so kube-proxy gives none of ${describe(service)}'s ports (${servicePorts}) its endpoints.`,
        evidence: [{ field: `${describe(slice)} ports`, value: '(none)' }, { field: `${describe(service)} spec.ports`, value: servicePorts }, managedBy],
        hint: `Add the Service's ports (${servicePorts}) to ${fixIn}.`,
        objects,
        detail: 'no-ports',
      };
    }
    const drafts: FindingDraft[] = [];
    for (const port of slice.ports) {
      if (matches(port, service)) continue;
      const label = quoted(port.name, port.protocol);
      drafts.push({
        message: `${describe(slice)} port ${label} matches no port of ${describe(service)} (its ports are ${servicePorts}), so kube-proxy routes nothing to its endpoints on that port.`,
        evidence: [{ field: `${describe(slice)} ports[${port.name ?? ''}]`, value: `${label} ${port.port ?? '(all)'}` }, { field: `${describe(service)} spec.ports`, value: servicePorts }, managedBy],
        hint: `Rename the port in ${fixIn} to the Service port's name and protocol (both "" for a single unnamed port).`,
        objects,
        detail: `port:${port.name ?? ''}/${port.protocol}`,
      });
    }
    return drafts;
  },
});
