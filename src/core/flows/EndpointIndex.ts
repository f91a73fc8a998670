import type { FlowEndpoint } from '../../shared/flows';
import type { KubeObject, ObjectChange } from '../../shared/kube';
import { objectId } from '../../shared/kube';

/** The ids holding an IP, in the order they took it (the last one holds it now); one id, the usual case, is kept bare. */
type Holders = string | string[];

/** The IPs an object answers for: a pod's own IPs (not a hostNetwork pod's: its Node's), a Service's cluster IPs, a Node's addresses. */
function addressesOf(o: KubeObject): { id: string; ips: readonly string[]; pod: boolean } | undefined {
  if (o.kind === 'Pod') return o.spec.hostNetwork ? undefined : { id: objectId('Pod', o.metadata.name, o.metadata.namespace), ips: o.status.podIPs, pod: true };
  if (o.kind === 'Service') return { id: objectId('Service', o.metadata.name, o.metadata.namespace), ips: o.spec.clusterIPs, pod: false };
  if (o.kind === 'Node') return { id: objectId('Node', o.metadata.name), ips: o.status.addresses.filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP').map((a) => a.address), pod: false };
  return undefined;
}

const sameIps = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((ip, i) => ip === b[i]);

/**
 * Maps flow endpoints to topology node ids, from one cluster state. Build it from the state valid
 * at the flow's time (a recording's, during import and replay), so that an IP a restarted pod
 * gave up and another pod took is attributed to whoever held it then; a live view keeps one index
 * current with the watch's changes (`apply`) instead of building it again for each.
 */
export class EndpointIndex {
  /** A pod's own IP wins over a hostNetwork pod's Node and over a Service sharing it. */
  private readonly podIps = new Map<string, Holders>();
  private readonly otherIps = new Map<string, Holders>();
  /** The IPs each object holds, so that a change or a deletion gives them back. */
  private readonly held = new Map<string, { readonly ips: readonly string[]; readonly pod: boolean }>();
  /** namespace → pod name → id: flows name the same pods over and over. */
  private readonly podIds = new Map<string, Map<string, string>>();
  private readonly serviceIds = new Map<string, Map<string, string>>();

  constructor(objects: Iterable<KubeObject>) {
    for (const o of objects) this.take(o);
  }

  /** Brings the index to the state after `changes` (in order) from the state it holds. */
  apply(changes: readonly ObjectChange[]): void {
    for (const { type, object } of changes) {
      const found = addressesOf(object);
      if (!found) {
        if (object.kind === 'Pod') this.release(objectId('Pod', object.metadata.name, object.metadata.namespace));
        continue;
      }
      const had = this.held.get(found.id);
      // Unchanged addresses keep their place: of two holders, the one that took the IP last keeps it.
      if (type !== 'deleted' && had && had.pod === found.pod && sameIps(had.ips, found.ips)) continue;
      this.release(found.id);
      if (type !== 'deleted') this.take(object);
    }
  }

  private take(o: KubeObject): void {
    const found = addressesOf(o);
    if (!found || found.ips.length === 0) return;
    if (this.held.has(found.id)) this.release(found.id);
    this.held.set(found.id, found);
    const byIp = found.pod ? this.podIps : this.otherIps;
    for (const ip of found.ips) {
      const holders = byIp.get(ip);
      if (holders === undefined) byIp.set(ip, found.id);
      else byIp.set(ip, typeof holders === 'string' ? [holders, found.id] : [...holders, found.id]);
    }
  }

  private release(id: string): void {
    const had = this.held.get(id);
    if (!had) return;
    this.held.delete(id);
    const byIp = had.pod ? this.podIps : this.otherIps;
    for (const ip of had.ips) {
      const holders = byIp.get(ip);
      if (holders === id || holders === undefined) byIp.delete(ip);
      else if (typeof holders !== 'string') {
        const rest = holders.filter((h) => h !== id);
        byIp.set(ip, rest.length === 1 ? rest[0] : rest);
      }
    }
  }

  private byIp(ip: string): string | undefined {
    const holders = this.podIps.get(ip) ?? this.otherIps.get(ip);
    return typeof holders === 'string' ? holders : holders?.at(-1);
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
        return (endpoint.ip && this.byIp(endpoint.ip)) || objectId('External', 'remote-node');
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
    if (endpoint.ip) return this.byIp(endpoint.ip) ?? objectId('External', endpoint.names?.[0] ?? endpoint.ip);
    return objectId('External', 'unknown');
  }
}
