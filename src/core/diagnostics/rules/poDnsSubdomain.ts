import type { Evidence } from '../../../shared/diagnostics';
import type { Pod, Service, Workload } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { defineRule, describe, type DiagnosticContext } from '../DiagnosticContext';
import { isLivePod } from './pods';
import { perWorkload } from './workloads';

interface Fault {
  /** The Service the pod's DNS name hangs under. */
  serviceName: string;
  service?: Service;
  /** The StatefulSet whose serviceName it is; otherwise it is the pod's own spec.subdomain. */
  statefulSet?: Workload;
}

/**
 * The StatefulSet's serviceName wins over the pod's subdomain: the controller copies one into the
 * other, and pods made up from manifests carry only the StatefulSet's.
 */
function faultOf(pod: Pod, context: DiagnosticContext): Fault | undefined {
  const owners = pod.metadata.ownerReferences ?? [];
  const owner = owners.find((o) => o.controller) ?? owners[0];
  // Most pods neither set a subdomain nor belong to a StatefulSet: they are passed over first.
  if (owner?.kind !== 'StatefulSet' && !pod.spec.subdomain) return undefined;
  if (!isLivePod(pod)) return undefined;
  const statefulSet = owner?.kind === 'StatefulSet' ? context.get('StatefulSet', owner.name, pod.metadata.namespace) : undefined;
  const serviceName = statefulSet?.spec.serviceName ?? pod.spec.subdomain;
  if (!serviceName) return undefined;
  const service = context.get('Service', serviceName, pod.metadata.namespace);
  if (service?.spec.headless) return undefined;
  return { serviceName, service, statefulSet };
}

/** The pods of a workload whose names hang under one Service report once, on the oldest of them. */
const sharing = perWorkload((pod, context) => {
  const fault = faultOf(pod, context);
  return fault ? [fault.serviceName] : [];
});

export const poDnsSubdomain = defineRule({
  id: 'po.dns.subdomain',
  severity: 'warning',
  layer: 'dns',
  title: 'Pod DNS subdomain has no headless Service',
  subject: 'Pod',
  hint: 'Create a headless Service (clusterIP: None) with that name in the namespace, selecting these pods.',
  doc: {
    condition:
      "A pod's spec.subdomain, or the spec.serviceName of the StatefulSet that owns it, names no Service in the pod's namespace, or a Service that is not headless (clusterIP: None), so the pods' own DNS names (<hostname>.<subdomain>.<namespace>.svc) do not resolve. Checked on each Pod, since bare pods and indexed Jobs set a subdomain too: the pods of one workload give one finding about the workload (its key stays as pods are replaced), naming the count and the oldest of them. A StatefulSet with no pods is not checked.",
    example: "StatefulSet shop/db (3 pods, e.g. Pod shop/db-0) has serviceName db-headless, but no Service db-headless exists in shop, so names like db-0.db-headless.shop.svc do not resolve.",
    anchors: 'Radar flags a StatefulSet whose serviceName Service is missing. Strata also flags a Service that exists but is not headless, and pods that set a subdomain themselves.',
  },
  check(pod, context) {
    const fault = faultOf(pod, context);
    if (!fault) return undefined;
    const { serviceName, service, statefulSet } = fault;
    const shared = sharing(pod, serviceName, context);
    if (!shared) return undefined;
    const namespace = pod.metadata.namespace ?? '';
    const field = statefulSet ? 'serviceName' : 'subdomain';
    const what = !service
      ? `no Service ${serviceName} exists in ${namespace}`
      : service.spec.type === 'ExternalName'
        ? `Service ${namespace}/${serviceName} is ExternalName, not headless`
        : `Service ${namespace}/${serviceName} is not headless (clusterIP ${service.spec.clusterIPs[0] ?? 'set'})`;
    const evidence: Evidence[] = [
      statefulSet ? { field: `${describe(statefulSet)} spec.serviceName`, value: serviceName } : { field: `${describe(pod)} spec.subdomain`, value: serviceName },
    ];
    if (service) evidence.push({ field: `${describe(service)} spec.clusterIP`, value: service.spec.clusterIPs[0] ?? `(none, type ${service.spec.type})` });
    else evidence.push({ field: `Service ${namespace}/${serviceName}`, value: '(not found)' });
    return {
      message: `${shared.who} has ${field} ${serviceName}, but ${what}, so names like ${pod.spec.hostname ?? pod.metadata.name}.${serviceName}.${namespace}.svc do not resolve.`,
      evidence,
      hint: service
        ? `Make ${describe(service)} headless (clusterIP: None; it cannot be changed in place, so recreate it) or point ${field} at a headless Service.`
        : `Create a headless Service (clusterIP: None) named ${serviceName} in ${namespace} that selects these pods.`,
      subject: shared.workload.id,
      objects: [idOf(pod), ...(service ? [idOf(service)] : [])],
    };
  },
});
