import type { Evidence } from '../../../shared/diagnostics';
import type { Pod, Service, ServicePort } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { formatServicePort, resolveTargetPort } from '../../kube/ports';
import { defineRule, describe, type FindingDraft } from '../DiagnosticContext';
import { sendsTo, serviceBackends } from './ingresses';
import { declaredPorts, formatPorts } from './pods';
import { livePodsOf } from './services';

/** How to name a Service port in an Ingress backend: by its name when it has one. */
const reference = (port: ServicePort) => (port.name ? `port.name: ${port.name} (port ${port.port})` : `port.number: ${port.port}`);

/** The Service port whose target is container port `number` on one of its pods, and the pod that shows it. */
function portTargeting(number: number, service: Service, pods: readonly Pod[]): { port?: ServicePort; pod?: Pod } {
  const direct = service.spec.ports.find((p) => p.targetPort === number);
  if (direct) return { port: direct };
  for (const pod of pods) {
    const port = service.spec.ports.find((p) => resolveTargetPort(p, pod) === number);
    if (port) return { port, pod };
  }
  // The pods listen on it, but no Service port forwards to it.
  const pod = pods.find((p) => p.spec.containers.some((c) => c.ports.some((cp) => cp.containerPort === number)));
  return { pod };
}

/** What is wrong with one backend's port, or undefined when the Service has it. */
function portProblem(port: { name?: string; number?: number }, service: Service, pods: readonly Pod[]): { asked: string; why: string; fix?: ServicePort; pod?: Pod } | undefined {
  const ports = service.spec.ports;
  if (port.name !== undefined) {
    if (ports.some((p) => p.name === port.name)) return undefined;
    const target = ports.find((p) => p.targetPort === port.name);
    const why = target ? `; ${port.name} is the container port's name, the Service port is ${target.name ?? target.port}` : '';
    return { asked: `port name ${port.name}`, why, fix: target };
  }
  if (port.number === undefined || ports.some((p) => p.port === port.number)) return undefined;
  const { port: target, pod } = portTargeting(port.number, service, pods);
  if (target) return { asked: `port ${port.number}`, why: `; you used the container port ${port.number}, the Service port is ${target.port}`, fix: target, pod };
  if (pod) return { asked: `port ${port.number}`, why: `; the pods listen on ${port.number}, but no Service port forwards to it`, pod };
  return { asked: `port ${port.number}`, why: '' };
}

export const ingBackendPortMissing = defineRule({
  id: 'ing.backend.port-missing',
  severity: 'error',
  layer: 'entry',
  title: 'Ingress backend port is not a port of the Service',
  subject: 'Ingress',
  hint: 'Use a port the Service exposes (its `port`, not the container port).',
  doc: {
    condition: "A backend (defaultBackend or rule path) names an existing, non-ExternalName Service, and its port.name is not the name of any Service port, or its port.number is not any Service port's `port`. Name and number are checked separately. When the number is a targetPort, or a containerPort the Service's pods resolve a port to, the finding names the Service port to use. ExternalName Services are skipped: controllers use the backend's port as it is.",
    example: 'Ingress shop/web sends shop.example.com/cart to Service shop/cart on port 8080, which the Service does not expose (its ports: http 80→8080/TCP); you used the container port 8080, the Service port is 80.',
    anchors: 'Popeye 1402, kube-linter dangling-ingress, Radar. Popeye matches `name == name || number == port`, which is true for every unnamed port, so it misses a wrong number on an unnamed Service port; Strata checks name and number separately and spots a container port used in place of the Service port.',
  },
  check(ingress, context) {
    const namespace = ingress.metadata.namespace ?? '';
    const drafts: FindingDraft[] = [];
    for (const { service: backend, field, where } of serviceBackends(ingress)) {
      const service = context.get('Service', backend.name, namespace);
      // A missing Service is ing.backend.service-missing's finding.
      if (!service || service.spec.type === 'ExternalName') continue;
      const problem = portProblem(backend.port, service, livePodsOf(service, context));
      if (!problem) continue;
      const exposed = service.spec.ports.map(formatServicePort).join(', ') || 'none';
      const evidence: Evidence[] = [
        { field: `${describe(ingress)} ${field}.service.port`, value: backend.port.name ?? String(backend.port.number ?? '') },
        { field: `${describe(service)} spec.ports`, value: exposed },
      ];
      if (problem.pod) evidence.push({ field: `${describe(problem.pod)} spec.containers[].ports`, value: formatPorts(declaredPorts(problem.pod)) });
      drafts.push({
        message: `${sendsTo(ingress, where)} ${describe(service)} on ${problem.asked}, which the Service does not expose (its ports: ${exposed})${problem.why}.`,
        evidence,
        hint: problem.fix ? `Use ${reference(problem.fix)} in the backend: an Ingress names the Service port, not the container port.` : 'Use a port the Service exposes, or add the port to the Service.',
        objects: [idOf(service), ...(problem.pod ? [idOf(problem.pod)] : [])],
        detail: where,
      });
    }
    return drafts;
  },
});
