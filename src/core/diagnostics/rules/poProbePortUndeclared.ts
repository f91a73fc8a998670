import type { Severity } from '../../../shared/diagnostics';
import type { Container, ContainerProbe, Pod } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { defineRule, describe, type FindingDraft } from '../DiagnosticContext';
import { formatContainerPort, isLivePod } from './pods';
import { perWorkload } from './workloads';

/** Ports Istio rewrites HTTP probes to (the sidecar agent answers them); no container declares them. */
const ISTIO_PROBE_PORTS: ReadonlySet<number> = new Set([15020, 15021]);

interface Fault {
  container: Container;
  probe: ContainerProbe;
  severity: Severity;
  /** `app/readiness`: one probe of one container. */
  detail: string;
}

const portList = (c: Container) => c.ports.map(formatContainerPort).join(', ') || '(none)';

const NO_FAULTS: readonly Fault[] = [];
const declares = (pod: Pod, port: number) => pod.spec.containers.some((c) => c.ports.some((p) => p.containerPort === port));

/**
 * A named probe port resolves only among its own container's ports; a number counts if any container
 * of the pod declares it. Nothing is built for a probe that resolves: most do.
 */
function faultsOf(pod: Pod): readonly Fault[] {
  let faults: Fault[] | undefined;
  for (const container of pod.spec.containers) {
    for (const probe of container.probes ?? NO_PROBES) {
      let severity: Severity | undefined;
      if (typeof probe.port === 'string') {
        const name = probe.port;
        if (!container.ports.some((p) => p.name === name)) severity = 'error';
        // A number is only suspect when the container lists its ports at all: many list none.
      } else if (container.ports.length > 0 && !declares(pod, probe.port) && !(ISTIO_PROBE_PORTS.has(probe.port) && pod.spec.containers.some((c) => c.name === 'istio-proxy'))) {
        severity = 'info';
      }
      if (severity) (faults ??= []).push({ container, probe, severity, detail: `${container.name}/${probe.probe}` });
    }
  }
  // Whether the pod is live is asked last: most pods have no fault.
  return faults && isLivePod(pod) ? faults : NO_FAULTS;
}
const NO_PROBES: readonly ContainerProbe[] = [];

/** The pods of a workload that share a fault of one probe report once, on the oldest of them. */
const sharing = perWorkload((pod) => faultsOf(pod).map((f) => f.detail));

export const poProbePortUndeclared = defineRule({
  id: 'po.probe-port.undeclared',
  severity: 'error',
  layer: 'pods',
  title: 'Probe port not declared by the container',
  subject: 'Pod',
  hint: 'Declare the port in the container or point the probe at a declared one.',
  doc: {
    condition:
      "A readiness, liveness or startup probe (httpGet, tcpSocket, grpc) names a port the container does not declare (error: the kubelet cannot resolve it, so the probe always fails), or uses a number no container of the pod declares while the probing container declares other ports (info). Checked on each Pod: the pods of one workload that share the fault give one finding about the workload (its key stays as pods are replaced), naming the count and the oldest of them. Templates of workloads without pods (scaled to 0) are not checked.",
    example: 'Deployment shop/cart (3 pods, e.g. Pod shop/cart-7f9c-x2kq) has a readiness httpGet probe on port "health", which container app does not declare (it declares http:8080/TCP).',
    anchors:
      'kube-linter readiness-port, liveness-port and startup-port (per template, names and numbers alike); Radar (named ports only). Strata resolves names only in the probing container, as the kubelet does, counts numbers declared by any container of the pod, stays silent on numbers when a container lists no ports, and skips the ports Istio rewrites probes to.',
  },
  check(pod, context) {
    const faults = faultsOf(pod);
    // Most probes resolve: nothing is built for a pod without a fault.
    if (faults.length === 0) return undefined;
    const drafts: FindingDraft[] = [];
    for (const { container, probe, severity, detail } of faults) {
      const shared = sharing(pod, detail, context);
      if (!shared) continue;
      const named = typeof probe.port === 'string';
      const sibling = named ? pod.spec.containers.find((c) => c !== container && c.ports.some((p) => p.name === probe.port)) : undefined;
      const what = named
        ? `on port "${probe.port}", which container ${container.name} does not declare (it declares ${portList(container)})${sibling ? `; container ${sibling.name} does, but a probe's port name resolves only in its own container` : ''}`
        : `on port ${probe.port}, which no container of the pod declares (container ${container.name} declares ${portList(container)})`;
      drafts.push({
        severity,
        message: `${shared.who} has a ${probe.probe} ${probe.action} probe ${what}.`,
        evidence: [
          { field: `${describe(pod)} spec.containers[${container.name}].${probe.probe}Probe.${probe.action}.port`, value: String(probe.port) },
          { field: `${describe(pod)} spec.containers[${container.name}].ports`, value: portList(container) },
        ],
        hint: named
          ? `Add a port named ${probe.port} to container ${container.name}, or point the probe at a port it declares.`
          : `Check that the app listens on ${probe.port}; declare it in container ${container.name}'s ports, or point the probe at a declared port.`,
        subject: shared.workload.id,
        objects: [idOf(pod)],
        detail,
      });
    }
    return drafts;
  },
});
