import type { FlowEndpoint } from '../../shared/flows';
import type { KubeObject } from '../../shared/kube';
import { objectId } from '../../shared/kube';

/**
 * Maps flow endpoints to topology node ids, from one cluster state. Build it from the state valid
 * at the flow's time (a recording's, during import and replay), so that an IP a restarted pod
 * gave up and another pod took is attributed to whoever held it then.
 */
export class EndpointIndex {
  private readonly pods = new Set<string>();
  private readonly byIp = new Map<string, string>();
  /** namespace → pod name → id: flows name the same pods over and over. */
  private readonly podIds = new Map<string, Map<string, string>>();
  private readonly serviceIds = new Map<string, Map<string, string>>();

  constructor(objects: Iterable<KubeObject>) {
    // Services and Nodes first, pods last: a pod's own IP wins over a hostNetwork pod sharing its node's.
    const podsLast: KubeObject[] = [];
    for (const o of objects) {
      if (o.kind === 'Pod') podsLast.push(o);
      else if (o.kind === 'Service') for (const ip of o.spec.clusterIPs) this.byIp.set(ip, objectId('Service', o.metadata.name, o.metadata.namespace));
      else if (o.kind === 'Node') for (const a of o.status.addresses) if (a.type === 'InternalIP' || a.type === 'ExternalIP') this.byIp.set(a.address, objectId('Node', o.metadata.name));
    }
    for (const pod of podsLast) {
      if (pod.kind !== 'Pod') continue;
      const id = objectId('Pod', pod.metadata.name, pod.metadata.namespace);
      this.pods.add(id);
      if (!pod.spec.hostNetwork) for (const ip of pod.status.podIPs) this.byIp.set(ip, id);
    }
  }

  /** The id of a Service a flow addressed. */
  serviceId(namespace: string, name: string): string {
    let names = this.serviceIds.get(namespace);
    if (!names) this.serviceIds.set(namespace, (names = new Map()));
    let id = names.get(name);
    if (!id) names.set(name, (id = objectId('Service', name, namespace)));
    return id;
  }

  /** The node id of a flow endpoint; `node` is the flow's node (`cluster/node` from Relay). */
  resolve(endpoint: FlowEndpoint, node?: string): string {
    switch (endpoint.reserved) {
      case 'world':
        // DNS names are what a responder recognises; the bare word "world" otherwise.
        return objectId('External', endpoint.names?.[0] ?? 'world');
      case 'host':
        return node ? objectId('Node', node.slice(node.indexOf('/') + 1)) : objectId('External', 'host');
      case 'remote-node':
        return (endpoint.ip && this.byIp.get(endpoint.ip)) || objectId('External', 'remote-node');
      case 'kube-apiserver':
        return objectId('External', 'kube-apiserver');
      default:
        break;
    }
    if (endpoint.namespace && endpoint.pod) {
      let names = this.podIds.get(endpoint.namespace);
      if (!names) this.podIds.set(endpoint.namespace, (names = new Map()));
      let id = names.get(endpoint.pod);
      if (!id) names.set(endpoint.pod, (id = objectId('Pod', endpoint.pod, endpoint.namespace)));
      return id;
    }
    if (endpoint.ip) return this.byIp.get(endpoint.ip) ?? objectId('External', endpoint.names?.[0] ?? endpoint.ip);
    return objectId('External', 'unknown');
  }
}
