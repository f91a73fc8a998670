import { defineRule, describe, formatLabels } from '../DiagnosticContext';
import { livePodsOf, selectsPods } from './services';
import { plural } from './wording';
import { ownerWorkload, shareController } from './workloads';

export const svcSelectorMultiWorkload = defineRule({
  id: 'svc.selector.multi-workload',
  severity: 'warning',
  layer: 'service',
  title: 'Service selector spans several workloads',
  subject: 'Service',
  hint: 'Add a label that tells the workloads apart to the selector (e.g. app.kubernetes.io/component).',
  doc: {
    condition:
      "The live pods a Service selects belong to more than one top-level workload (owner references followed up to the Deployment, StatefulSet, DaemonSet, CronJob or a custom controller), so its traffic is split between them. Pods without an owner and static pods are ignored; the two ReplicaSets of a Deployment's rollout count as one workload.",
    example: 'Service shop/cart selects pods of 2 workloads (Deployment shop/cart: 3 pods; Deployment shop/cart-worker: 2 pods), so its traffic is split between them.',
    anchors: 'None of the anchors checks this. Strata follows owner references to the top-level workload.',
  },
  check(service, context) {
    if (!selectsPods(service)) return undefined;
    const pods = livePodsOf(service, context);
    // The common case: one controller (and template) for every pod, so one workload at most.
    if (shareController(pods)) return undefined;
    const counts = new Map<string, { name: string; pods: number }>();
    for (const pod of pods) {
      const owner = ownerWorkload(pod, context);
      if (!owner) continue;
      const entry = counts.get(owner.id) ?? { name: owner.name, pods: 0 };
      entry.pods++;
      counts.set(owner.id, entry);
    }
    if (counts.size < 2) return undefined;
    const workloads = [...counts].sort(([a, x], [b, y]) => y.pods - x.pods || (a < b ? -1 : 1)).map(([id, entry]) => ({ id, ...entry }));
    const list = workloads.map((w) => `${w.name}: ${plural(w.pods, 'pod')}`).join('; ');
    return {
      message: `${describe(service)} selects pods of ${workloads.length} workloads (${list}), so its traffic is split between them.`,
      evidence: [{ field: `${describe(service)} spec.selector`, value: formatLabels(service.spec.selector) }, ...workloads.slice(0, 5).map((w) => ({ field: `${w.name} selected pods`, value: String(w.pods) }))],
      hint: 'Add a label that tells the workloads apart to the selector (e.g. app.kubernetes.io/component); if this is a deliberate canary split, nothing is wrong.',
      objects: workloads.map((w) => w.id),
    };
  },
});
