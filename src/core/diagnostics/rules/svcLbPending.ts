import { defineRule, describe } from '../DiagnosticContext';

/** How long a cloud or MetalLB controller may take to assign an address before Strata speaks. */
const GRACE_MS = 5 * 60_000;

/** `12 minutes`, `3 hours`, `2 days`. */
function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 120) return `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} hours` : `${Math.floor(hours / 24)} days`;
}

export const svcLbPending = defineRule({
  id: 'svc.lb.pending',
  severity: 'warning',
  layer: 'entry',
  title: 'LoadBalancer Service has no external address',
  subject: 'Service',
  hint: 'Install or fix the load balancer controller (the cloud controller manager, MetalLB, …) and read the Service events.',
  doc: {
    condition:
      'A Service of type LoadBalancer has no status.loadBalancer.ingress address more than 5 minutes after its creation. Not when the creation time is unknown (manifests). With spec.loadBalancerClass the finding names the class, which only its own controller serves.',
    example: 'Service shop/web is type LoadBalancer but has had no external address for 12 minutes since it was created.',
    anchors: 'Radar svc:loadbalancer-pending (detector: 5 minutes; trace: no grace). Strata waits 5 minutes too, names loadBalancerClass when set, and re-checks as time passes.',
  },
  check(service, context) {
    if (service.spec.type !== 'LoadBalancer' || service.status.loadBalancerIngress.length > 0) return undefined;
    const age = context.ageOf(service);
    if (age === undefined || age <= GRACE_MS) return undefined;
    const lbClass = service.spec.loadBalancerClass;
    const evidence = [
      { field: `${describe(service)} status.loadBalancer.ingress`, value: '(empty)' },
      { field: `${describe(service)} metadata.creationTimestamp`, value: service.metadata.creationTimestamp ?? '' },
    ];
    if (lbClass) evidence.push({ field: `${describe(service)} spec.loadBalancerClass`, value: lbClass });
    return {
      message: `${describe(service)} is type LoadBalancer${lbClass ? ` of class ${lbClass}` : ''} but has had no external address for ${duration(age)} since it was created.`,
      evidence,
      hint: lbClass
        ? `Check that a controller for loadBalancerClass ${lbClass} runs in the cluster (only it will assign the address), and read the Service events.`
        : 'Install or fix the load balancer controller (the cloud controller manager, MetalLB, …) and read the Service events.',
    };
  },
});
