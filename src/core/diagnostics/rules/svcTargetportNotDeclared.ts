import type { ContainerPort, Pod } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { formatServicePort } from '../../kube/ports';
import { defineRule, describe, type FindingDraft } from '../DiagnosticContext';
import { formatPorts } from './pods';
import { livePodsOf, selectsPods, servicePortLabel } from './services';

/** Mesh proxies declare ports of their own (15090, 4191 …) that say nothing of what the app listens on. */
const MESH_PROXIES: ReadonlySet<string> = new Set(['istio-proxy', 'linkerd-proxy', 'consul-dataplane', 'kuma-sidecar', 'envoy-sidecar']);

/** The ports a pod's own containers declare, without a mesh proxy's. */
function appPorts(pod: Pod): readonly ContainerPort[] {
  const containers = pod.spec.containers;
  // The usual pod: one container, not a proxy; its list is used as it is.
  if (containers.length === 1 && !MESH_PROXIES.has(containers[0].name)) return containers[0].ports;
  return containers.filter((c) => !MESH_PROXIES.has(c.name)).flatMap((c) => c.ports);
}

export const svcTargetportNotDeclared = defineRule({
  id: 'svc.targetport.not-declared',
  severity: 'warning',
  layer: 'service',
  title: 'Numeric targetPort not declared by the pods',
  subject: 'Service',
  hint: 'Point targetPort at the port the container listens on (e.g. 8080, not 80).',
  doc: {
    condition:
      "A Service port's targetPort is a number (the port itself when unset) that no selected live pod declares as a containerPort with the port's protocol, while every selected pod declares other ports (positive evidence: a pod that declares none may still listen there). Ports of mesh proxies (istio-proxy, linkerd-proxy …) do not count. A number declared only for another protocol (a UDP Service port on a TCP containerPort) fires too. One finding per Service port.",
    example: 'Service shop/cart port http (http 80→80/TCP) sends to port 80/TCP, which no selected pod declares; they declare http:8080/TCP.',
    anchors:
      "Popeye 1106 (first matched pod only, error), Radar svc:targetport-no-listener (ready pods only). Strata checks every selected pod, needs every pod to declare ports before it speaks, ignores mesh proxies' ports, and calls out a protocol mismatch.",
  },
  check(service, context) {
    // Only numeric targetPorts are checked: Services that name their ports need no pod looked at.
    if (!selectsPods(service) || !service.spec.ports.some((port) => typeof port.targetPort === 'number')) return undefined;
    const pods = livePodsOf(service, context);
    if (pods.length === 0) return undefined;
    // Each pod's ports once: the healthy case looks at every pod.
    const declared = pods.map(appPorts);
    if (declared.some((ports) => ports.length === 0)) return undefined;
    const drafts: FindingDraft[] = [];
    for (const port of service.spec.ports) {
      const target = port.targetPort;
      if (typeof target !== 'number') continue;
      if (declared.some((ports) => ports.some((d) => d.containerPort === target && d.protocol === port.protocol))) continue;
      const summary = formatPorts(declared.flat());
      const otherProtocols = [...new Set(declared.flatMap((ports) => ports.filter((d) => d.containerPort === target).map((d) => d.protocol)))];
      const mismatch = otherProtocols.length ? ` (it is declared for ${otherProtocols.join('/')} only)` : '';
      const sample = pods[0];
      drafts.push({
        message: `${describe(service)} port ${servicePortLabel(port)} (${formatServicePort(port)}) sends to port ${target}/${port.protocol}, which no selected pod declares${mismatch}; they declare ${summary}.`,
        evidence: [
          { field: `${describe(service)} spec.ports[${servicePortLabel(port)}].targetPort`, value: `${target}/${port.protocol}` },
          { field: `${describe(sample)} spec.containers[].ports`, value: formatPorts(appPorts(sample)) },
        ],
        hint: otherProtocols.length
          ? `Set the Service port's protocol to ${otherProtocols[0]} or declare ${target}/${port.protocol} on the container, as the app listens.`
          : `Point targetPort at the port the container listens on (one of ${summary}), or declare ${target}/${port.protocol} if the app does listen there.`,
        objects: pods.slice(0, 3).map(idOf),
        detail: `${servicePortLabel(port)}/${port.protocol}`,
      });
    }
    return drafts;
  },
});
