import { idOf } from '../../../shared/kube';
import { defineRule, describe } from '../DiagnosticContext';
import { isStarting, notReadyReason, podReasons, readinessOf } from './pods';
import { firstEndpointIs, livePodsOf, readinessOfPods, selectsPods, serviceEndpoints } from './services';
import { plural } from './wording';

const HINT = "Open the culprit pods' readiness: the failing readiness probe, readiness gate or crashing container.";
const DNS_HINT = 'Fix the cluster DNS pods first (kubectl -n kube-system get pods -l k8s-app=kube-dns): every name lookup in the cluster fails until one is ready.';

export const svcNoReadyEndpoints = defineRule({
  id: 'svc.no-ready-endpoints',
  severity: 'error',
  layer: 'endpoints',
  title: 'Service has no ready endpoints',
  subject: 'Service',
  hint: HINT,
  doc: {
    condition:
      'The Service selects live pods (not deleting, not finished), but no endpoint of its IPv4/IPv6 EndpointSlices is ready (serving, when publishNotReadyAddresses is set). At least one selected pod must be known not Ready (slices and pods that disagree give no verdict); without EndpointSlices, every selected pod must be. Not while every not-ready pod is still starting (younger than 2 minutes, no crash, pull error or scheduling failure), not when any selected pod has unknown readiness, nor when no pod is selected (svc.selector.no-pods). For kube-system/kube-dns the finding says DNS is down cluster-wide. Warning instead of error on a headless Service with publishNotReadyAddresses (peer discovery, whose client Service carries the error).',
    example: 'Service shop/cart selects 2 pods but none of its endpoints is ready (cart-1: container app is waiting: CrashLoopBackOff; cart-2: container app running but not ready (readiness probe failing)).',
    anchors:
      'Popeye 1105/1110 (v1 Endpoints exist / have subsets), k8sgpt Service (empty subsets), Radar svc:no-ready-endpoints (pod readiness). Strata reads the EndpointSlices kube-proxy uses (with serving for publishNotReadyAddresses), names each culprit pod with why it is not ready, and calls out a cluster-wide DNS outage.',
  },
  check(service, context) {
    if (!selectsPods(service)) return undefined;
    const pods = livePodsOf(service, context);
    if (pods.length === 0 || readinessOfPods(service, context).unknown) return undefined;
    const publishNotReady = service.spec.publishNotReadyAddresses === true;
    // The common case, told without gathering every endpoint.
    if (firstEndpointIs(service, publishNotReady ? 'serving' : 'ready', context)) return undefined;
    const { slices, endpoints } = serviceEndpoints(service, context);
    if (slices.length > 0) {
      if (endpoints.some((e) => (publishNotReady ? e.serving : e.ready))) return undefined;
    } else if (pods.some((p) => readinessOf(p) !== false)) {
      return undefined;
    }
    // Slices that list nothing ready while every pod says Ready are stale or disagree: no verdict.
    const culprits = pods.filter((p) => readinessOf(p) === false);
    if (culprits.length === 0 || culprits.every((p) => isStarting(p, context))) return undefined;
    const namespace = service.metadata.namespace ?? '';
    const word = publishNotReady ? 'serving' : 'ready';
    const evidence = slices.length
      ? slices.slice(0, 3).map((s) => ({
          field: `${describe(s)} endpoints[].conditions.${word}`,
          value: `${s.endpoints.filter((e) => (publishNotReady ? e.conditions.serving : e.conditions.ready) === true).length} of ${s.endpoints.length} ${word}`,
        }))
      : [{ field: `${describe(service)} EndpointSlices`, value: 'none found; readiness read from the pods' }];
    for (const pod of culprits.slice(0, 5)) evidence.push({ field: `${describe(pod)} status.notReady`, value: notReadyReason(pod) });
    const objects = [...culprits.slice(0, 5).map(idOf), ...slices.map(idOf)];
    const reasons = podReasons(culprits);
    if (namespace === 'kube-system' && service.metadata.name === 'kube-dns') {
      return {
        message: `${describe(service)} has no ${word} endpoint, so DNS is down cluster-wide and no pod can resolve names (${reasons}).`,
        evidence,
        hint: DNS_HINT,
        objects,
      };
    }
    const peerDiscovery = publishNotReady && service.spec.headless;
    return {
      severity: peerDiscovery ? 'warning' : 'error',
      message: `${describe(service)} selects ${plural(pods.length, 'pod')} but none of its endpoints is ${word} (${reasons}).`,
      evidence,
      hint: HINT,
      objects,
    };
  },
});
