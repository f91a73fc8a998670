import { idOf } from '../../../shared/kube';
import { defineRule, describe } from '../DiagnosticContext';
import { notReadyReason, podReasons, readinessOf } from './pods';
import { livePodsOf, readinessOfPods, selectsPods, serviceEndpoints } from './services';
import { listSome, plural } from './wording';

export const svcPublishNotReady = defineRule({
  id: 'svc.publish-not-ready',
  severity: 'warning',
  layer: 'endpoints',
  title: 'publishNotReadyAddresses sends traffic to unready pods',
  subject: 'Service',
  hint: 'Use publishNotReadyAddresses only on headless peer-discovery Services; remove it here.',
  doc: {
    condition:
      'The Service sets publishNotReadyAddresses, is not headless and not ExternalName, has a selector, and some of its endpoints are not serving (the controller marks them ready anyway, so kube-proxy balances to them); without EndpointSlices, some selected live pod is known not Ready. Terminating endpoints and pods with unknown readiness do not count.',
    example: 'Service shop/cart sends traffic to 1 not-ready pod (cart-2: container app running but not ready (readiness probe failing)) because it sets publishNotReadyAddresses on a ClusterIP Service.',
    anchors: 'None of the anchors checks this (Radar lowers no-ready-endpoints to info under publishNotReadyAddresses). Strata reads the serving condition of the EndpointSlices, which keeps the real readiness while ready is forced true.',
  },
  check(service, context) {
    if (!service.spec.publishNotReadyAddresses || service.spec.headless || !selectsPods(service)) return undefined;
    const pods = livePodsOf(service, context);
    if (pods.length === 0 || readinessOfPods(service, context).unknown) return undefined;
    const { slices, endpoints } = serviceEndpoints(service, context);
    const unreadyNames = new Set(
      slices.length ? endpoints.filter((e) => !e.serving && !e.terminating).map((e) => e.podName ?? e.key) : pods.filter((p) => readinessOf(p) === false).map((p) => p.metadata.name),
    );
    if (unreadyNames.size === 0) return undefined;
    const unreadyPods = pods.filter((p) => unreadyNames.has(p.metadata.name));
    const count = unreadyNames.size;
    const reasons = unreadyPods.length ? podReasons(unreadyPods) : listSome([...unreadyNames], 3);
    const evidence = [{ field: `${describe(service)} spec.publishNotReadyAddresses`, value: 'true' }];
    if (slices.length) evidence.push({ field: `${describe(service)} EndpointSlices endpoints[].conditions.serving`, value: `${count} of ${endpoints.length} not serving` });
    for (const p of unreadyPods.slice(0, 5)) evidence.push({ field: `${describe(p)} status.notReady`, value: notReadyReason(p) });
    return {
      message: `${describe(service)} sends traffic to ${plural(count, 'not-ready pod')} (${reasons}) because it sets publishNotReadyAddresses on a ${service.spec.type} Service.`,
      evidence,
      hint: 'Remove publishNotReadyAddresses from this Service; keep it only on a headless Service used for peer discovery (e.g. a StatefulSet\'s governing Service).',
      objects: [...unreadyPods.slice(0, 5).map(idOf), ...slices.map(idOf)],
    };
  },
});
