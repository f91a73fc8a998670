import type { KubeObject } from '../../shared/kube';
import { SERVICE_NAME_LABEL } from '../../shared/kube';

export const HUBBLE_RELAY_SERVICE = 'hubble-relay';

/**
 * The pod and container port behind the `hubble-relay` Service, from the EndpointSlices the
 * cluster state holds: the first ready endpoint that is a pod. Undefined when Hubble Relay is not
 * there (or not ready).
 */
export function findHubbleRelay(objects: Iterable<KubeObject>, namespace = 'kube-system'): { namespace: string; pod: string; port: number } | undefined {
  for (const o of objects) {
    if (o.kind !== 'EndpointSlice' || o.metadata.namespace !== namespace || o.metadata.labels?.[SERVICE_NAME_LABEL] !== HUBBLE_RELAY_SERVICE) continue;
    const port = o.ports.find((p) => p.port !== undefined && p.protocol === 'TCP')?.port;
    const endpoint = o.endpoints.find((e) => e.conditions.ready !== false && e.targetRef?.kind === 'Pod');
    if (port !== undefined && endpoint?.targetRef) return { namespace, pod: endpoint.targetRef.name, port };
  }
  return undefined;
}
