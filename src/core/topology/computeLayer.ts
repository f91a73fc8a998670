import type { KubeObject, OwnerRef, Pod, Workload } from '../../shared/kube';
import type { TopologyNode } from '../../shared/model';
import { objectId } from '../../shared/kube';
import type { ObjectIndex } from './ClusterIndex';
import type { TopologyBuilder } from './TopologyBuilder';

/** The workload kind of a static pod, which the kubelet runs from a file on its Node. */
export const STATIC_POD = 'StaticPod';

/** The service mesh whose proxy runs beside a pod's containers, by the proxy container's name. */
export function meshSidecar(pod: Pod): 'Istio' | 'Linkerd' | undefined {
  for (const c of pod.spec.containers) {
    if (c.name === 'istio-proxy') return 'Istio';
    if (c.name === 'linkerd-proxy') return 'Linkerd';
  }
  return undefined;
}

/** Kinds that group pods; a ReplicaSet owned by a Deployment is folded into its Deployment. */
function controllerOf(object: KubeObject): OwnerRef | undefined {
  const owners = object.metadata.ownerReferences ?? [];
  return owners.find((o) => o.controller) ?? owners[0];
}

/** The workload a pod belongs to, following Pod → ReplicaSet → Deployment and Pod → Job → CronJob. */
export function workloadOf(pod: Pod, index: ObjectIndex): { kind: string; name: string } | undefined {
  const namespace = pod.metadata.namespace;
  const direct = controllerOf(pod);
  if (!direct) return undefined;
  // A static (mirror) pod is owned by its Node: it is a workload of its own, not one per Node.
  if (direct.kind === 'Node') return { kind: STATIC_POD, name: pod.metadata.name };
  let owner: OwnerRef = direct;
  for (let depth = 0; depth < 3; depth++) {
    const parentObject: KubeObject | undefined = index.get(owner.kind as Workload['kind'], owner.name, namespace);
    const parent: OwnerRef | undefined = parentObject ? controllerOf(parentObject) : undefined;
    if (!parent) break;
    owner = parent;
  }
  return { kind: owner.kind, name: owner.name };
}

function isFoldedReplicaSet(workload: Workload): boolean {
  return workload.kind === 'ReplicaSet' && controllerOf(workload)?.kind === 'Deployment';
}

function isFoldedJob(workload: Workload): boolean {
  return workload.kind === 'Job' && controllerOf(workload)?.kind === 'CronJob';
}

/** Namespaces, Nodes, workloads and Pods, with the Pod → Node edges. */
export function addComputeLayer(index: ObjectIndex, builder: TopologyBuilder, workloads: readonly Workload[]): void {
  for (const ns of index.all('Namespace')) {
    builder.addNode({ kind: 'Namespace', name: ns.metadata.name, labels: ns.metadata.labels });
  }

  for (const node of index.all('Node')) {
    const internal = node.status.addresses.find((a) => a.type === 'InternalIP')?.address;
    const added = builder.addNode({
      kind: 'Node',
      name: node.metadata.name,
      labels: node.metadata.labels,
      synthesized: node.synthesized,
      facts: {
        ready: node.status.ready ?? 'unknown',
        ...(internal ? { internalIP: internal } : {}),
        ...(node.spec.podCIDRs.length ? { podCIDRs: node.spec.podCIDRs } : {}),
        ...(node.metadata.labels?.['topology.kubernetes.io/zone'] ? { zone: node.metadata.labels['topology.kubernetes.io/zone'] } : {}),
        ...(node.spec.unschedulable ? { unschedulable: true } : {}),
      },
    });
    if (node.status.ready === false) added.problems.push('Node is NotReady');
  }

  const podCounts = new Map<string, { total: number; ready: number }>();
  for (const pod of index.all('Pod')) {
    const namespace = pod.metadata.namespace;
    const owner = workloadOf(pod, index);
    const workloadId = owner ? objectId(owner.kind, owner.name, namespace) : undefined;
    const terminating = pod.metadata.deletionTimestamp !== undefined;
    // Built by assignment, not spreads: this loop runs for every pod of a 150k-pod cluster.
    const facts: TopologyNode['facts'] = {};
    if (pod.status.phase) facts.phase = terminating ? 'Terminating' : pod.status.phase;
    if (pod.status.podIPs.length) facts.podIPs = pod.status.podIPs;
    facts.ready = pod.status.ready ?? 'unknown';
    const ports: string[] = [];
    for (const c of pod.spec.containers) for (const p of c.ports) ports.push(p.name ? `${p.name}:${p.containerPort}/${p.protocol}` : `${p.containerPort}/${p.protocol}`);
    if (ports.length) facts.containerPorts = ports;
    if (pod.spec.hostNetwork) facts.hostNetwork = true;
    const mesh = meshSidecar(pod);
    if (mesh) facts.sidecar = mesh;
    const node = builder.addNode({ kind: 'Pod', name: pod.metadata.name, namespace, labels: pod.metadata.labels, workload: workloadId, synthesized: pod.synthesized, facts });
    if (pod.status.ready === false && !terminating) node.problems.push('Pod is not Ready');
    if (workloadId) {
      const count = podCounts.get(workloadId) ?? { total: 0, ready: 0 };
      count.total += 1;
      if (pod.status.ready) count.ready += 1;
      podCounts.set(workloadId, count);
    }
    if (pod.spec.nodeName) {
      const reason = () => `Pod ${namespace}/${pod.metadata.name} is scheduled on Node ${pod.spec.nodeName}, which does not exist`;
      const target = builder.target('Node', pod.spec.nodeName, undefined, reason);
      builder.addEdge({ type: 'pod-node', source: node.id, target: target.id, problems: target.missing ? [target.missingReason!] : [] });
    }
  }

  for (const workload of workloads) {
    if (isFoldedReplicaSet(workload) || isFoldedJob(workload)) continue;
    const id = objectId(workload.kind, workload.metadata.name, workload.metadata.namespace);
    const count = podCounts.get(id) ?? { total: 0, ready: 0 };
    builder.addNode({
      kind: 'Workload',
      workloadKind: workload.kind,
      name: workload.metadata.name,
      namespace: workload.metadata.namespace,
      labels: workload.metadata.labels,
      facts: { ...(workload.spec.replicas !== undefined ? { replicas: workload.spec.replicas } : {}), pods: count.total, readyPods: count.ready },
    });
  }

  // A pod's owner that Strata cannot see (not watched, or forbidden) still groups its pods.
  for (const [id, count] of podCounts) {
    if (builder.node(id)) continue;
    const [kind, namespace, name] = id.split('/');
    builder.addNode({ kind: 'Workload', workloadKind: kind, name, namespace, facts: { pods: count.total, readyPods: count.ready } }, id);
  }
}
