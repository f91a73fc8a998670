import type { ClusterState, KubeObject, Namespace, Node, Pod, PodNetworkSpec, PodTemplate, Workload } from '../../shared/kube';
import { isClusterScoped, isWorkload, NAMESPACE_NAME_LABEL, SERVICE_NAME_LABEL } from '../../shared/kube';
import { deriveEndpointSlices } from './deriveEndpointSlices';
import { generatedSuffix } from './names';

/** Where one pod of a workload runs, as a live cluster would have placed it. */
export interface PodPlacement {
  node: string;
  ready?: boolean;
  terminating?: boolean;
  /** Overrides the IP Strata would otherwise take from the Node's podCIDR. */
  ip?: string;
}

/** Pod placements by workload id (`Deployment/shop/web`); a placed workload gets one pod per entry. */
export type Placement = Readonly<Record<string, readonly PodPlacement[]>>;

/** The time stamp Strata puts on synthesised terminating pods; fixed, so the output stays deterministic. */
const SYNTHESIS_EPOCH = '2026-01-01T00:00:00Z';

function withDefaultNamespace(object: KubeObject): KubeObject {
  if (isClusterScoped(object) || object.metadata.namespace) return object;
  // kubectl apply puts an object without a namespace into "default".
  return { ...object, metadata: { ...object.metadata, namespace: 'default' } } as KubeObject;
}

function namespaces(objects: readonly KubeObject[]): Namespace[] {
  const declared = new Map(objects.filter((o): o is Namespace => o.kind === 'Namespace').map((ns) => [ns.metadata.name, ns]));
  const referenced = new Set(objects.map((o) => o.metadata.namespace).filter((ns): ns is string => !!ns));
  const names = [...new Set([...declared.keys(), ...referenced])].sort();
  return names.map((name) => {
    const ns = declared.get(name);
    // The API server sets this label on every Namespace; NetworkPolicies select namespaces by it.
    const labels = { ...(ns?.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
    return { kind: 'Namespace', apiVersion: 'v1', metadata: { ...(ns?.metadata ?? { name }), labels }, ...(ns ? {} : { synthesized: true }) };
  });
}

/** Hands out pod IPs from each Node's podCIDR, in order, the way a node IPAM would. */
class PodAddresses {
  private readonly next = new Map<string, number>();
  constructor(private readonly nodes: ReadonlyMap<string, Node>) {}

  take(nodeName: string): string | undefined {
    const cidr = this.nodes.get(nodeName)?.spec.podCIDRs.find((c) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(c));
    if (!cidr) return undefined;
    const [a, b, c] = cidr.split('/')[0].split('.').map(Number);
    const host = this.next.get(nodeName) ?? 10;
    this.next.set(nodeName, host + 1);
    return `${a}.${b}.${c + Math.floor(host / 256)}.${host % 256}`;
  }
}

interface PodSlot {
  name: string;
  placement?: PodPlacement;
}

function podSlots(workload: Workload, templateHash: string, placement: readonly PodPlacement[] | undefined): PodSlot[] {
  const { name } = workload.metadata;
  const count = placement?.length ?? 1;
  return Array.from({ length: count }, (_, i) => {
    const seed = `${workload.metadata.namespace}/${name}/${i}`;
    const podName =
      workload.kind === 'StatefulSet'
        ? `${name}-${i}`
        : workload.kind === 'Deployment' || workload.kind === 'CronJob'
          ? `${name}-${templateHash}-${generatedSuffix(seed, 5)}`
          : `${name}-${generatedSuffix(seed, 5)}`;
    return { name: podName, placement: placement?.[i] };
  });
}

/**
 * Pods for a workload, with the intermediate ReplicaSet or Job a controller would have made so that
 * ownership reads Pod → ReplicaSet → Deployment as in a live cluster. Without a placement there is
 * one representative, unscheduled pod per workload.
 */
function synthesizePods(workload: Workload, placement: readonly PodPlacement[] | undefined, addresses: PodAddresses): KubeObject[] {
  const { namespace, name } = workload.metadata;
  const templateHash = generatedSuffix(JSON.stringify(workload.spec.template), 10);
  const out: KubeObject[] = [];
  let owner = { kind: workload.kind, name };
  if (workload.kind === 'Deployment' || workload.kind === 'CronJob') {
    const intermediate: Workload = {
      kind: workload.kind === 'Deployment' ? 'ReplicaSet' : 'Job',
      apiVersion: workload.kind === 'Deployment' ? 'apps/v1' : 'batch/v1',
      synthesized: true,
      metadata: { name: `${name}-${templateHash}`, namespace, labels: workload.spec.template.labels, ownerReferences: [{ kind: workload.kind, name, controller: true }] },
      spec: { ...(placement ? { replicas: placement.length } : {}), selector: workload.spec.selector, template: workload.spec.template },
    };
    out.push(intermediate);
    owner = { kind: intermediate.kind, name: intermediate.metadata.name };
  }
  for (const slot of podSlots(workload, templateHash, placement)) {
    const placed = slot.placement;
    const ip = placed ? (placed.ip ?? addresses.take(placed.node)) : undefined;
    const pod: Pod = {
      kind: 'Pod',
      apiVersion: 'v1',
      synthesized: true,
      metadata: {
        name: slot.name,
        namespace,
        labels: workload.spec.template.labels,
        ownerReferences: [{ ...owner, controller: true }],
        ...(placed?.terminating ? { deletionTimestamp: SYNTHESIS_EPOCH } : {}),
      },
      spec: { ...templateNetworkSpec(workload.spec.template), ...(placed ? { nodeName: placed.node } : {}), containers: workload.spec.template.containers, hostNetwork: workload.spec.template.hostNetwork === true },
      status: { phase: placed ? 'Running' : 'Pending', podIPs: ip ? [ip] : [], ready: placed ? placed.ready !== false : null },
    };
    out.push(pod);
  }
  return out;
}

/** The pod-level network fields a template hands to its pods. */
function templateNetworkSpec({ dnsPolicy, hostname, subdomain, readinessGates }: PodTemplate): PodNetworkSpec {
  return { ...(dnsPolicy ? { dnsPolicy } : {}), ...(hostname ? { hostname } : {}), ...(subdomain ? { subdomain } : {}), ...(readinessGates ? { readinessGates } : {}) };
}

function isTopLevel(workload: Workload): boolean {
  return !(workload.metadata.ownerReferences ?? []).some((o) => o.controller);
}

/**
 * Completes a set of manifests into the state a cluster would have after applying them: namespaces
 * for every referenced name, pods from workload templates, and EndpointSlices derived from Service
 * selectors. Objects the manifests already contain (pods, hand-made EndpointSlices) are kept as given.
 */
export function synthesizeOfflineState(manifests: readonly KubeObject[], placement?: Placement): ClusterState {
  const objects = manifests.map(withDefaultNamespace).filter((o) => o.kind !== 'Namespace');
  const nodes = new Map(objects.filter((o): o is Node => o.kind === 'Node').map((n) => [n.metadata.name, n]));
  const addresses = new PodAddresses(nodes);
  const synthesized: KubeObject[] = [];
  for (const workload of objects.filter(isWorkload)) {
    if (!isTopLevel(workload)) continue;
    const id = `${workload.kind}/${workload.metadata.namespace}/${workload.metadata.name}`;
    for (const pod of synthesizePods(workload, placement?.[id], addresses)) synthesized.push(pod);
  }
  const withPods = [...objects, ...synthesized];
  const pods = withPods.filter((o): o is Pod => o.kind === 'Pod');
  const slicedServices = new Set(
    objects.filter((o) => o.kind === 'EndpointSlice').map((s) => `${s.metadata.namespace}/${s.metadata.labels?.[SERVICE_NAME_LABEL]}`),
  );
  const slices = withPods.flatMap((o) =>
    o.kind === 'Service' && !slicedServices.has(`${o.metadata.namespace}/${o.metadata.name}`) ? deriveEndpointSlices(o, pods) : [],
  );
  return { objects: [...namespaces(manifests.map(withDefaultNamespace)), ...withPods, ...slices] };
}
