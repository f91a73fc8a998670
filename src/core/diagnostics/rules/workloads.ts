/**
 * Pods by the workload they belong to. A fault that every pod of a workload shares is reported
 * once, about the workload (the draft's subject), so that a 500-replica Deployment gives one
 * finding whose key stays the same as its pods are replaced.
 */
import type { OwnerRef, Pod } from '../../../shared/kube';
import { idOf, objectId } from '../../../shared/kube';
import { STATIC_POD, workloadOf } from '../../topology/computeLayer';
import { describe, type DiagnosticContext } from '../DiagnosticContext';
import { addTo, oldestFirst, oncePerCheck } from './pods';
import { plural } from './wording';

/** A workload, or a pod that stands for itself: its id and how messages name it (`Deployment shop/cart`). */
export interface WorkloadRef {
  id: string;
  name: string;
}

export interface WorkloadGroup extends WorkloadRef {
  /** Oldest first. */
  pods: Pod[];
}

/**
 * The top-level workload of a pod; undefined for a bare or a static pod. A ReplicaSet Strata has
 * not seen (so not folded into its Deployment) is named after its Deployment by the pods'
 * pod-template-hash, so that the two ReplicaSets of a rollout are one workload.
 */
export function ownerWorkload(pod: Pod, context: DiagnosticContext): WorkloadRef | undefined {
  const controller = controllerRef(pod);
  if (!controller) return undefined;
  const namespace = pod.metadata.namespace ?? '';
  const hash = pod.metadata.labels?.['pod-template-hash'] ?? '';
  const memo = ownersOf(context);
  // Pods come a workload at a time: the last look-up is most often the one.
  const { last } = memo;
  if (last && last.name === controller.name && last.kind === controller.kind && last.namespace === namespace && last.hash === hash) return last.owner;
  const key = `${namespace}\u0000${controller.kind}\u0000${hash}`;
  let byName = memo.byController.get(key);
  if (!byName) memo.byController.set(key, (byName = new Map()));
  let owner = byName.get(controller.name);
  if (owner === undefined && !byName.has(controller.name)) byName.set(controller.name, (owner = ownerOf(pod, context)));
  memo.last = { namespace, kind: controller.kind, name: controller.name, hash, owner };
  return owner;
}

/** The owner reference that decides a pod's workload: the one marked controller, else the first. */
function controllerRef(pod: Pod): OwnerRef | undefined {
  const owners = pod.metadata.ownerReferences;
  if (!owners?.length) return undefined;
  for (const owner of owners) if (owner.controller) return owner;
  return owners[0];
}

/**
 * Whether pods of one namespace all have the same controller and pod-template-hash, which decide
 * `ownerWorkload`: then they are one workload, told without looking it up pod by pod. False when
 * one has no owner.
 */
export function shareController(pods: readonly Pod[]): boolean {
  if (pods.length === 0) return true;
  const first = controllerRef(pods[0]);
  if (!first) return false;
  const hash = pods[0].metadata.labels?.['pod-template-hash'];
  for (let i = 1; i < pods.length; i++) {
    const controller = controllerRef(pods[i]);
    if (!controller || controller.name !== first.name || controller.kind !== first.kind || pods[i].metadata.labels?.['pod-template-hash'] !== hash) return false;
  }
  return true;
}

/**
 * The workloads found once per check, by what decides them: the pod's namespace, its controller
 * (kind and name) and its pod-template-hash. The pods of one ReplicaSet share the look-ups up the owner chain.
 */
const ownersOf = oncePerCheck(() => ({
  byController: new Map<string, Map<string, WorkloadRef | undefined>>(),
  last: undefined as { namespace: string; kind: string; name: string; hash: string; owner: WorkloadRef | undefined } | undefined,
}));

function ownerOf(pod: Pod, context: DiagnosticContext): WorkloadRef | undefined {
  const owner = workloadOf(pod, context);
  if (!owner || owner.kind === STATIC_POD) return undefined;
  const namespace = pod.metadata.namespace ?? '';
  const hash = pod.metadata.labels?.['pod-template-hash'];
  const unseenReplicaSet = owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`) && !context.get('ReplicaSet', owner.name, namespace);
  const [kind, name] = unseenReplicaSet ? ['Deployment', owner.name.slice(0, -hash.length - 1)] : [owner.kind, owner.name];
  return { id: objectId(kind, name, namespace), name: `${kind} ${namespace}/${name}` };
}

/** The workload a pod belongs to; a bare or a static pod stands for itself. */
export function workloadKey(pod: Pod, context: DiagnosticContext): WorkloadRef {
  return ownerWorkload(pod, context) ?? { id: idOf(pod), name: describe(pod) };
}

/** Pods grouped by their workload, the groups in the order first seen. */
export function byWorkload(pods: readonly Pod[], context: DiagnosticContext): WorkloadGroup[] {
  const groups = new Map<string, WorkloadGroup>();
  for (const pod of pods) {
    const key = workloadKey(pod, context);
    const group = groups.get(key.id);
    if (group) group.pods.push(pod);
    else groups.set(key.id, { ...key, pods: [pod] });
  }
  for (const group of groups.values()) group.pods.sort(oldestFirst);
  return [...groups.values()];
}

/** `Deployment shop/cart (3 pods, e.g. Pod shop/cart-7f9c-x2kq)`; `Pod shop/debug` for a pod that stands for itself. */
export function describeGroup(workload: WorkloadRef, pods: readonly Pod[]): string {
  const [first] = pods;
  if (workload.id === idOf(first)) return workload.name;
  return `${workload.name} (${pods.length > 1 ? `${plural(pods.length, 'pod')}, e.g. ` : ''}${describe(first)})`;
}

/** The pods of a workload that share a fault, when the pod checked is the one to report them. */
export interface SharedFault {
  workload: WorkloadRef;
  /** Oldest first; the first is the pod checked. */
  pods: Pod[];
  /** The workload in words, with the count and the pod checked as an example. */
  who: string;
}

/**
 * For a rule checked on each Pod that reports a fault once per workload: `faultsOf` names the
 * faults a pod has (one per probe, per Service name; `''` when there is one kind), and the
 * returned function says whether the pod checked reports a fault for its workload. The oldest
 * pod with the fault reports; the pods are grouped once per check of a namespace.
 */
export function perWorkload(faultsOf: (pod: Pod, context: DiagnosticContext) => readonly string[]) {
  const groups = oncePerCheck((context) => {
    const byFault = new Map<string, Pod[]>();
    for (const pod of context.inNamespace('Pod')) {
      const faults = faultsOf(pod, context);
      if (faults.length === 0) continue;
      const { id } = workloadKey(pod, context);
      for (const fault of faults) addTo(byFault, `${id}|${fault}`, pod);
    }
    for (const pods of byFault.values()) pods.sort(oldestFirst);
    return byFault;
  });
  return (pod: Pod, fault: string, context: DiagnosticContext): SharedFault | undefined => {
    const workload = workloadKey(pod, context);
    const pods = groups(context).get(`${workload.id}|${fault}`) ?? [pod];
    if (pods[0].metadata.name !== pod.metadata.name) return undefined;
    return { workload, pods, who: describeGroup(workload, pods) };
  };
}
