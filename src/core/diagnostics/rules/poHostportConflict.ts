import type { ContainerPort, Pod } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { defineRule, describe, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { byPodName, isLivePod } from './pods';
import { perWorkload } from './workloads';

/** The scheduler's words for a pod whose host ports are taken on every Node that would fit it. */
const NO_FREE_PORTS = /didn't have free ports/;

type HostPort = ContainerPort & { hostPort: number };

const hostPorts = (pod: Pod): HostPort[] => pod.spec.containers.flatMap((c) => c.ports.filter((p): p is HostPort => !!p.hostPort));

/** Whether a container of the pod asks for a host port; called for every pod, so plain loops. */
function asksForHostPort(pod: Pod): boolean {
  for (const container of pod.spec.containers) for (const port of container.ports) if (port.hostPort) return true;
  return false;
}

const isWildcard = (ip?: string) => !ip || ip === '0.0.0.0' || ip === '::';

/** Two host ports clash on one Node when port and protocol match and either binds every address or both bind the same. */
const clash = (a: HostPort, b: HostPort) => a.hostPort === b.hostPort && a.protocol === b.protocol && (isWildcard(a.hostIP) || isWildcard(b.hostIP) || a.hostIP === b.hostIP);

const label = (p: HostPort) => `${isWildcard(p.hostIP) ? '' : `${p.hostIP}:`}${p.hostPort}/${p.protocol}`;

/** A pod the scheduler placed nowhere because every Node that would fit it has its host ports taken. */
const isUnschedulable = (pod: Pod) => isLivePod(pod) && !pod.spec.nodeName && hostPorts(pod).length > 0 && NO_FREE_PORTS.test(pod.status.notReady ?? '');

/** The unschedulable pods of a workload report once, on the oldest of them. */
const sharing = perWorkload((pod) => (isUnschedulable(pod) ? ['unschedulable'] : []));

/** The scheduler found no Node with the pod's host ports free: one finding per workload. */
function unschedulable(pod: Pod, ports: HostPort[], context: DiagnosticContext): FindingDraft | undefined {
  const shared = isUnschedulable(pod) ? sharing(pod, 'unschedulable', context) : undefined;
  if (!shared) return undefined;
  return {
    message: `${shared.who} cannot be scheduled: no Node has its host ports ${ports.map(label).join(', ')} free.`,
    evidence: [
      { field: `${describe(pod)} spec.containers[].ports[].hostPort`, value: ports.map(label).join(', ') },
      { field: `${describe(pod)} status.conditions[PodScheduled]`, value: pod.status.notReady ?? '' },
    ],
    hint: 'Drop the hostPort and reach the pods through a Service (NodePort or LoadBalancer), or run at most one such pod per Node (a DaemonSet or pod anti-affinity).',
    subject: shared.workload.id,
    objects: [idOf(pod)],
    detail: 'unschedulable',
  };
}

export const poHostportConflict = defineRule({
  id: 'po.hostport.conflict',
  severity: 'error',
  layer: 'pods',
  title: 'Host port already taken on the Node',
  subject: 'Pod',
  hint: 'Drop hostPort or use a Service/NodePort.',
  doc: {
    condition:
      "Two pods of the namespace (Pending ones included) bound to the same Node ask for the same hostPort and protocol on overlapping host IPs (an unset hostIP, 0.0.0.0 or :: overlaps every address): one finding per port on the later pod by name, naming the earlier ones. Or a Pending pod's PodScheduled message says Nodes \"didn't have free ports\": one finding about its workload (its key stays as pods are replaced), naming the count and the oldest such pod. Limits: pods of other namespaces on the same Node are not compared (that would need every pod of the cluster), but the scheduler's message covers them for pods it places; the message is only seen when the pod reports a Ready condition.",
    example: 'Pod shop/proxy-b on Node worker-1 asks for host port 8443/TCP, which Pod shop/proxy-a on the same Node already holds.',
    anchors: 'None of the anchors checks this. Strata compares protocol and host IP the way the scheduler does.',
  },
  check(pod, context) {
    // Few pods ask for host ports: the rest are passed over without building a list.
    if (!asksForHostPort(pod)) return undefined;
    const ports = hostPorts(pod);
    if (!isLivePod(pod)) return undefined;
    const nodeName = pod.spec.nodeName;
    if (!nodeName) return unschedulable(pod, ports, context);
    const earlier = context.inNamespace('Pod').filter((p) => p.spec.nodeName === nodeName && isLivePod(p) && byPodName(p, pod) < 0);
    const drafts: FindingDraft[] = [];
    for (const port of ports) {
      const holders = earlier.filter((p) => hostPorts(p).some((q) => clash(port, q)));
      if (holders.length === 0) continue;
      drafts.push({
        message: `${describe(pod)} on Node ${nodeName} asks for host port ${label(port)}, which ${holders.map(describe).join(' and ')} on the same Node already ${holders.length > 1 ? 'hold' : 'holds'}.`,
        evidence: [pod, ...holders].map((p) => ({ field: `${describe(p)} spec.containers[].ports[hostPort=${port.hostPort}]`, value: `${hostPorts(p).filter((q) => clash(port, q)).map(label).join(', ')} on Node ${nodeName}` })),
        hint: 'Drop the hostPort and reach the pods through a Service (NodePort or LoadBalancer), or keep such pods on different Nodes.',
        objects: [...holders.map(idOf), `Node/${nodeName}`],
        detail: `${port.protocol}/${port.hostPort}`,
      });
    }
    return drafts;
  },
});
