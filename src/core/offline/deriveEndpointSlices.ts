import type { EndpointSlice, EndpointSlicePort, Pod, Service } from '../../shared/kube';
import { SERVICE_NAME_LABEL } from '../../shared/kube';
import { resolveTargetPort } from '../kube/ports';
import { matchesServiceSelector } from '../selectors';
import { generatedSuffix } from './names';

export const OFFLINE_MANAGER = 'strata-offline';

/**
 * The EndpointSlices the EndpointSlice controller would make for a selector-backed Service:
 * its pods, grouped by how each pod resolves the Service's ports (a named targetPort may give
 * different numbers on different pods, and each mapping gets its own slice). A port a pod cannot
 * resolve is left out for that pod, as the controller does. Terminal pods are not endpoints.
 */
export function deriveEndpointSlices(service: Service, pods: readonly Pod[]): EndpointSlice[] {
  const { metadata, spec } = service;
  if (spec.type === 'ExternalName' || !spec.selector || Object.keys(spec.selector).length === 0) return [];
  const groups = new Map<string, { ports: EndpointSlicePort[]; pods: Pod[] }>();
  for (const pod of pods) {
    if (pod.metadata.namespace !== metadata.namespace || !matchesServiceSelector(pod.metadata.labels, spec.selector)) continue;
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
    const ports: EndpointSlicePort[] = [];
    for (const servicePort of spec.ports) {
      const resolved = resolveTargetPort(servicePort, pod);
      if (resolved !== undefined) ports.push({ ...(servicePort.name ? { name: servicePort.name } : {}), port: resolved, protocol: servicePort.protocol });
    }
    const key = JSON.stringify(ports);
    const group = groups.get(key) ?? { ports, pods: [] };
    group.pods.push(pod);
    groups.set(key, group);
  }
  // A selector that matches nothing still gets one empty slice, as the controller makes.
  if (groups.size === 0) groups.set('[]', { ports: [], pods: [] });

  return [...groups.entries()].map(([key, group]): EndpointSlice => ({
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    synthesized: true,
    metadata: {
      name: `${metadata.name}-${generatedSuffix(`${metadata.namespace}/${metadata.name}/${key}`, 5)}`,
      namespace: metadata.namespace,
      labels: { [SERVICE_NAME_LABEL]: metadata.name, 'endpointslice.kubernetes.io/managed-by': OFFLINE_MANAGER },
      ownerReferences: [{ kind: 'Service', name: metadata.name, controller: true }],
    },
    addressType: 'IPv4',
    ports: group.ports,
    endpoints: group.pods.map((pod) => {
      const terminating = pod.metadata.deletionTimestamp !== undefined;
      const ready = pod.status.ready !== false && !terminating;
      return {
        addresses: pod.status.podIPs.slice(0, 1),
        conditions: { ready, serving: pod.status.ready !== false, terminating },
        ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
        targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name },
      };
    }),
  }));
}
