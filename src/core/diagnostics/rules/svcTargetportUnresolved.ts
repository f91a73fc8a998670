import { idOf } from '../../../shared/kube';
import { formatServicePort } from '../../kube/ports';
import { defineRule, describe, type FindingDraft } from '../DiagnosticContext';
import { declaredPorts, formatPorts } from './pods';
import { livePodsOf, selectsPods, servicePortLabel } from './services';

export const svcTargetportUnresolved = defineRule({
  id: 'svc.targetport.unresolved',
  severity: 'error',
  layer: 'service',
  title: 'Named targetPort matches no container port',
  subject: 'Service',
  hint: 'Rename the containerPort or the targetPort so that they agree (names and protocols must both match).',
  doc: {
    condition:
      "A Service port's targetPort is a name, and no selected live pod declares a containerPort with that name and the port's protocol (containers and native sidecars). Confirmed against the EndpointSlices when there are any: not when a slice carries the Service port's name and protocol with endpoints (the controller did resolve it). One finding per Service port.",
    example: 'Service shop/cart port http (http 80→web/TCP) targets the port name "web", which no selected pod declares for TCP; they declare http:8080/TCP.',
    anchors:
      "Popeye 1106 (first matched pod only), Radar svc:unresolved-targetport (name only). Strata checks every selected pod, matches the protocol too as the EndpointSlice controller does, names the pods' ports, and confirms with the EndpointSlices.",
  },
  check(service, context) {
    if (!selectsPods(service)) return undefined;
    const pods = livePodsOf(service, context);
    if (pods.length === 0) return undefined;
    const slices = context.slicesOf(service);
    const drafts: FindingDraft[] = [];
    for (const port of service.spec.ports) {
      const name = port.targetPort;
      if (typeof name !== 'string') continue;
      if (pods.some((p) => declaredPorts(p).some((d) => d.name === name && d.protocol === port.protocol))) continue;
      // The controller resolved it on some pod after all (the pods seen here may be out of date).
      if (slices.some((s) => s.endpoints.length > 0 && s.ports.some((sp) => (sp.name ?? '') === (port.name ?? '') && sp.protocol === port.protocol))) continue;
      const otherProtocol = pods.flatMap((p) => declaredPorts(p).filter((d) => d.name === name)).map((d) => d.protocol);
      const protocolNote = otherProtocol.length ? ` (only for ${[...new Set(otherProtocol)].join('/')})` : '';
      const sample = pods[0];
      const evidence = [
        { field: `${describe(service)} spec.ports[${servicePortLabel(port)}].targetPort`, value: `${name}/${port.protocol}` },
        { field: `${describe(sample)} spec.containers[].ports`, value: formatPorts(declaredPorts(sample)) },
      ];
      if (slices.length) evidence.push({ field: `${describe(slices[0])} ports`, value: slices[0].ports.map((p) => `${p.name ?? '""'}/${p.protocol}`).join(', ') || '(none)' });
      drafts.push({
        message: `${describe(service)} port ${servicePortLabel(port)} (${formatServicePort(port)}) targets the port name "${name}", which no selected pod declares for ${port.protocol}${protocolNote}; they declare ${formatPorts(pods.flatMap(declaredPorts))}.`,
        evidence,
        hint: `Rename the containerPort to "${name}" (protocol ${port.protocol}) or point the targetPort at a name or number the pods declare.`,
        objects: [...pods.slice(0, 3).map(idOf), ...slices.slice(0, 3).map(idOf)],
        detail: `${servicePortLabel(port)}/${port.protocol}`,
      });
    }
    return drafts;
  },
});
