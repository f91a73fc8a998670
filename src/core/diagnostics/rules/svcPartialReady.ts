import type { Pod, Service } from '../../../shared/kube';
import { idOf } from '../../../shared/kube';
import { matchesServiceSelector } from '../../selectors';
import { defineRule, describe, type DiagnosticContext } from '../DiagnosticContext';
import { isStarting, notReadyReason, podReasons, readinessOf } from './pods';
import { livePodsOf, readinessOfPods, selectsPods, servedByTwoReadyPods, serviceEndpoints, type EndpointView } from './services';
import { listSome } from './wording';

/**
 * A headless Service whose pods a ClusterIP Service of the namespace also selects (a StatefulSet's
 * governing Service beside its client Service): the client Service reports them, once.
 */
function coveredByClientService(service: Service, pods: readonly Pod[], context: DiagnosticContext): boolean {
  if (!service.spec.headless) return false;
  return context
    .inNamespace('Service')
    .some((other) => other.metadata.name !== service.metadata.name && !other.spec.headless && other.spec.type !== 'ExternalName' && pods.every((p) => matchesServiceSelector(p.metadata.labels, other.spec.selector)));
}

/**
 * The common case, told without building the views below: every pod Ready, and at least two
 * endpoints that are not terminating, all ready (then none is unready and none stands alone).
 */
function allServing(pods: readonly Pod[], endpoints: readonly EndpointView[]): boolean {
  let serving = 0;
  for (const e of endpoints) {
    if (e.terminating) continue;
    if (!e.ready) return false;
    serving++;
  }
  return serving >= 2 && pods.every((p) => readinessOf(p) === true);
}

export const svcPartialReady = defineRule({
  id: 'svc.partial-ready',
  severity: 'warning',
  layer: 'endpoints',
  title: 'Service has not-ready endpoints, or a single one',
  subject: 'Service',
  hint: 'Fix the unready pods; run at least 2 replicas.',
  doc: {
    condition:
      'The Service selects live pods with known readiness and at least one of its endpoints is ready (none ready is svc.no-ready-endpoints). Warning when some non-terminating endpoints are not ready (or a selected pod is not an endpoint yet because it is Pending), naming each pod and why (pods younger than 2 minutes that are only starting are left out); info when exactly one endpoint exists and it is ready (a single point of failure). Endpoints come from the IPv4/IPv6 EndpointSlices, or from the pods when the Service has none. Skipped for publishNotReadyAddresses Services (svc.publish-not-ready covers them) and for a headless Service whose pods a ClusterIP Service of the namespace also selects, which reports the same pods once.',
    example: 'Service shop/cart has 1 of 3 pods not ready (cart-2: container app running but not ready (readiness probe failing)).',
    anchors:
      'k8sgpt Service ("has not ready endpoints", v1 Endpoints), Popeye 1109 (single endpoint, warning). Strata reads the EndpointSlices, skips terminating endpoints (a rollout, not a fault), says why each pod is not ready, and keeps the single-endpoint case as info.',
  },
  check(service, context) {
    if (!selectsPods(service) || service.spec.publishNotReadyAddresses) return undefined;
    const pods = livePodsOf(service, context);
    if (pods.length === 0 || readinessOfPods(service, context).unknown) return undefined;
    if (coveredByClientService(service, pods, context)) return undefined;
    // The common case, told without building the endpoint views (see allServing).
    if (readinessOfPods(service, context).allReady && servedByTwoReadyPods(service, context)) return undefined;

    const { slices, endpoints } = serviceEndpoints(service, context);
    if (slices.length > 0 && allServing(pods, endpoints)) return undefined;
    // Per endpoint: its pod name and whether it is ready; terminating ones are on their way out.
    const views = slices.length
      ? endpoints.filter((e) => !e.terminating).map((e) => ({ name: e.podName ?? e.key, ready: e.ready }))
      : pods.map((p) => ({ name: p.metadata.name, ready: readinessOf(p) === true }));
    // A pod that is not an endpoint yet (no IP, unscheduled) is a replica that does not serve either.
    const listed = new Set(views.map((v) => v.name));
    for (const p of pods) if (!listed.has(p.metadata.name) && readinessOf(p) === false) views.push({ name: p.metadata.name, ready: false });
    const ready = views.filter((v) => v.ready);
    if (ready.length === 0) return undefined;
    // A replica that is only starting (a rollout, a scale-up) is not reported.
    const starting = new Set(pods.filter((p) => readinessOf(p) === false && isStarting(p, context)).map((p) => p.metadata.name));
    const unreadyNames = new Set(views.filter((v) => !v.ready && !starting.has(v.name)).map((v) => v.name));
    const field = slices.length ? `${describe(service)} EndpointSlices endpoints[].conditions.ready` : `${describe(service)} selected pods Ready`;

    if (unreadyNames.size > 0) {
      const unreadyPods = pods.filter((p) => unreadyNames.has(p.metadata.name));
      const reasons = unreadyPods.length ? podReasons(unreadyPods) : listSome([...unreadyNames], 3);
      const evidence = [{ field, value: `${ready.length} of ${views.length} ready` }];
      for (const p of unreadyPods.slice(0, 5)) evidence.push({ field: `${describe(p)} status.notReady`, value: notReadyReason(p) });
      return {
        message: `${describe(service)} has ${unreadyNames.size} of ${views.length} pods not ready (${reasons}).`,
        evidence,
        hint: 'Fix the unready pods: see their readiness probe, readiness gates and container state.',
        objects: [...unreadyPods.slice(0, 5).map(idOf), ...slices.map(idOf)],
        detail: 'not-ready',
      };
    }
    if (views.length !== 1) return undefined;
    return {
      severity: 'info',
      message: `${describe(service)} has a single ready endpoint (${ready[0].name}), so it is a single point of failure.`,
      evidence: [{ field, value: '1 of 1 ready' }],
      hint: 'Run at least 2 replicas (with a PodDisruptionBudget) so a restart or a node drain does not take the Service down.',
      objects: [...pods.filter((p) => p.metadata.name === ready[0].name).map(idOf), ...slices.map(idOf)],
      detail: 'single',
    };
  },
});
