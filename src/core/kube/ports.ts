import type { Pod, ServicePort } from '../../shared/kube';

/**
 * Resolves a Service port's targetPort on one pod, as the EndpointSlice controller does:
 * a number is used as it is; a name is looked up among the pod's container ports with the same
 * protocol, so two pods behind one Service may listen on different numbers.
 * Returns undefined when the name matches no container port on that pod.
 */
export function resolveTargetPort(servicePort: ServicePort, pod: Pod): number | undefined {
  if (typeof servicePort.targetPort === 'number') return servicePort.targetPort;
  for (const container of pod.spec.containers) {
    for (const port of container.ports) {
      if (port.name === servicePort.targetPort && port.protocol === servicePort.protocol) return port.containerPort;
    }
  }
  return undefined;
}

export function formatServicePort(port: ServicePort): string {
  const name = port.name ? `${port.name} ` : '';
  const node = port.nodePort ? ` (nodePort ${port.nodePort})` : '';
  return `${name}${port.port}→${port.targetPort}/${port.protocol}${node}`;
}
