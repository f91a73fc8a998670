import type { Evidence } from '../../../shared/diagnostics';
import type { Node, Pod } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { defineRule, describe, formatLabels, type DiagnosticContext, type FindingDraft } from '../DiagnosticContext';
import { byPodName, isLivePod, STARTUP_GRACE_MS } from './pods';
import { readinessOfPods } from './services';
import { listSome } from './wording';
import { workloadKey, type WorkloadRef } from './workloads';

/** How many pods a finding names; the rest are counted. */
const SHOWN = 3;

interface Unready {
  pod: Pod;
  reason: string;
  /** The pod's Node, when it is NotReady. */
  node?: Node;
}

/** Why a not-Ready pod is not Ready: its Node first (it makes every other reason stale), then the pod's own reason. */
function unready(pod: Pod, context: DiagnosticContext): Unready {
  const node = pod.spec.nodeName ? context.get('Node', pod.spec.nodeName) : undefined;
  if (node?.status.ready === false) return { pod, reason: `Node ${node.metadata.name} is NotReady`, node };
  return { pod, reason: pod.status.notReady ?? 'no reason reported' };
}

/** A hint for the first pod's reason: the Node, a readiness gate, a failing probe, a waiting container or the scheduler. */
function hintFor({ reason, node }: Unready): string {
  if (node) return `Node ${node.metadata.name} is NotReady: fix its kubelet or network, or drain it so the pods run elsewhere.`;
  if (reason.startsWith('readiness gate')) return 'A readiness gate is not True: check the controller that sets it (e.g. the AWS Load Balancer Controller target health) and the pod conditions.';
  if (reason.includes('readiness probe')) return 'Fix the readiness probe or the endpoint it checks; `kubectl describe pod` shows the Unhealthy events.';
  if (reason.includes('waiting') || reason.includes('terminated')) return 'Fix what keeps the container from running (image, config, crash loop); `kubectl describe pod` shows the events.';
  if (reason.startsWith('not scheduled')) return 'The pod cannot be scheduled: free resources or relax its constraints.';
  return 'Fix the probe or gate; see the pod events.';
}

export const poNotReadyBehindSvc = defineRule({
  id: 'po.not-ready-behind-svc',
  severity: 'warning',
  layer: 'pods',
  title: 'Pods behind a Service are not Ready',
  subject: 'Service',
  hint: 'Fix the probe or gate; see the pod events.',
  doc: {
    condition:
      'A pod the Service selects (not being deleted, not Succeeded or Failed, older than 2 minutes) reports Ready=False. One finding per Service and workload (a bare pod counts as its own workload), with the count and the first few pods and why each is not Ready: its Node is NotReady, a readiness gate is not True, a container is running but not ready (readiness probe failing), or a container is waiting or terminated with a reason. Pods whose readiness is unknown (offline manifests) are skipped. The subject is the Service, so that a 500-replica workload gives one finding, not 500, and it sits in the namespace whose Service loses capacity.',
    example: 'Service shop/cart selects 2 of 5 pods of Deployment shop/cart that are not Ready: cart-7f9c-x2kq (container app running but not ready (readiness probe failing)), cart-7f9c-p8zn (Node worker-2 is NotReady).',
    anchors:
      'Popeye 204, k8sgpt Pod analyzer, Radar, Headlamp (pod colour) report per pod without tying it to the Service. Strata groups by Service and workload and names the readiness gate or the Node. Unhealthy Event messages are not read (Strata keeps no Events); the container state stands in for them.',
  },
  check(service, context) {
    if (service.spec.type === 'ExternalName') return undefined;
    // The common case: no live pod reports Ready=False, so no workload needs grouping.
    if (!readinessOfPods(service, context).reportsNotReady) return undefined;
    const groups = new Map<string, { workload: WorkloadRef; selected: number; unready: Pod[] }>();
    for (const pod of context.podsForService(service)) {
      if (!isLivePod(pod)) continue;
      const workload = workloadKey(pod, context);
      const entry = groups.get(workload.id) ?? { workload, selected: 0, unready: [] };
      entry.selected++;
      // Only not-Ready pods read the clock, so healthy namespaces are not re-checked as time passes.
      if (pod.status.ready === false && (context.ageOf(pod) ?? Infinity) >= STARTUP_GRACE_MS) entry.unready.push(pod);
      groups.set(workload.id, entry);
    }
    const drafts: FindingDraft[] = [];
    for (const { workload, selected, unready: pods } of groups.values()) {
      if (pods.length === 0) continue;
      const sorted = [...pods].sort(byPodName);
      const shown = sorted.slice(0, SHOWN).map((pod) => unready(pod, context));
      const bare = workload.id === idOf(shown[0].pod);
      const list = listSome([...shown.map((u) => `${u.pod.metadata.name} (${u.reason})`), ...sorted.slice(SHOWN).map((p) => p.metadata.name)], SHOWN);
      const evidence: Evidence[] = shown.map((u) => ({ field: `${describe(u.pod)} status.conditions[Ready]`, value: `False: ${u.reason}` }));
      const byName = new Map<string, Node>();
      for (const u of shown) if (u.node) byName.set(u.node.metadata.name, u.node);
      const nodes = [...byName.values()];
      for (const node of nodes) evidence.push({ field: `${describe(node)} status.conditions[Ready]`, value: 'not True' });
      evidence.unshift({ field: `${describe(service)} spec.selector`, value: formatLabels(service.spec.selector) });
      const message = bare
        ? `${describe(service)} selects ${describe(shown[0].pod)}, which is not Ready (${shown[0].reason}).`
        : `${describe(service)} selects ${pods.length} of ${selected} pods of ${workload.name} that are not Ready: ${list}.`;
      drafts.push({
        message,
        evidence,
        hint: hintFor(shown[0]),
        objects: [...(bare ? [] : [workload.id]), ...shown.map((u) => idOf(u.pod)), ...nodes.map(idOf)],
        detail: workload.id,
      });
    }
    return drafts;
  },
});
