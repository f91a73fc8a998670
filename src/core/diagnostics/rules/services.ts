/**
 * What the Service rules share: which Services select pods, the selected pods that can serve, and
 * the endpoints of the EndpointSlices kube-proxy uses.
 */
import type { EndpointSlice, Pod, Service, ServicePort } from '../../../shared/kube';
import type { DiagnosticContext } from '../DiagnosticContext';
import { isLivePod, oncePerCheck } from './pods';

/** A Service that picks its pods by a selector: not ExternalName, with a non-empty selector. */
export function selectsPods(service: Service): boolean {
  return service.spec.type !== 'ExternalName' && Object.keys(service.spec.selector ?? {}).length > 0;
}

/** The selected pods that can serve: not being deleted, not finished. */
export function livePodsOf(service: Service, context: DiagnosticContext): readonly Pod[] {
  const known = livePods(context);
  let pods = known.get(service);
  if (!pods) {
    const selected = context.podsForService(service);
    // Usually every selected pod is live: then the list is shared, not copied.
    pods = selected.every(isLivePod) ? selected : selected.filter(isLivePod);
    known.set(service, pods);
  }
  return pods;
}

/** Each Service's live pods, once per check: most Service rules start from them. */
const livePods = oncePerCheck(() => new Map<Service, readonly Pod[]>());

/** Whether the first endpoint kube-proxy would use (of its first IPv4/IPv6 slice) is ready, or serving: it always stands for its pod. */
export function firstEndpointIs(service: Service, condition: 'ready' | 'serving', context: DiagnosticContext): boolean {
  for (const slice of context.slicesOf(service)) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    if (slice.endpoints.length > 0) return slice.endpoints[0].conditions[condition] === true;
  }
  return false;
}

/** A Service port as findings name it: its name, else its number. */
export const servicePortLabel = (port: ServicePort): string => port.name ?? String(port.port);

export interface EndpointView {
  /** The pod (or the address when the endpoint names no pod). */
  key: string;
  podName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  slice: EndpointSlice;
}

/**
 * The endpoints of a Service's IPv4/IPv6 EndpointSlices (kube-proxy ignores FQDN ones), one per pod:
 * a dual-stack Service lists each pod once per address family.
 */
export function serviceEndpoints(service: Service, context: DiagnosticContext): { slices: readonly EndpointSlice[]; endpoints: readonly EndpointView[] } {
  const known = endpointsByService(context);
  let found = known.get(service);
  if (!found) known.set(service, (found = gatherEndpoints(service, context)));
  return found;
}

/** Each Service's endpoints, once per check: several rules read them. */
const endpointsByService = oncePerCheck(() => new Map<Service, { slices: readonly EndpointSlice[]; endpoints: readonly EndpointView[] }>());

function gatherEndpoints(service: Service, context: DiagnosticContext): { slices: readonly EndpointSlice[]; endpoints: readonly EndpointView[] } {
  const slices = context.slicesOf(service).filter((s) => s.addressType === 'IPv4' || s.addressType === 'IPv6');
  const byKey = new Map<string, EndpointView>();
  for (const slice of slices) {
    for (const e of slice.endpoints) {
      const podName = e.targetRef?.kind === 'Pod' ? e.targetRef.name : undefined;
      const key = podName ? `Pod/${podName}` : (e.addresses[0] ?? `${slice.metadata.name}#${byKey.size}`);
      if (byKey.has(key)) continue;
      const { ready, serving, terminating } = e.conditions;
      byKey.set(key, { key, podName, ready: ready === true, serving: serving === true, terminating: terminating === true, nodeName: e.nodeName, slice });
    }
  }
  return { slices, endpoints: [...byKey.values()] };
}
