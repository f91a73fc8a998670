/**
 * What the Service rules share: which Services select pods, the selected pods that can serve, and
 * the endpoints of the EndpointSlices kube-proxy uses.
 */
import type { EndpointSlice, Pod, Service, ServicePort } from '../../../shared/kube';
import type { DiagnosticContext } from '../DiagnosticContext';
import { isLiveHere, isLivePod, oncePerCheck, readinessOf } from './pods';

/** A Service that picks its pods by a selector: not ExternalName, with a non-empty selector. */
export function selectsPods(service: Service): boolean {
  if (service.spec.type === 'ExternalName') return false;
  // Asked by most Service rules of every Service: a key is looked for without listing them.
  for (const key in service.spec.selector) if (Object.hasOwn(service.spec.selector, key)) return true;
  return false;
}

/** The selected pods that can serve: not being deleted, not finished. */
export function livePodsOf(service: Service, context: DiagnosticContext): readonly Pod[] {
  const known = livePods(context);
  let pods = known.get(service);
  if (!pods) {
    const selected = context.podsForService(service);
    const live = (service.metadata.namespace ?? '') === context.namespace ? (pod: Pod) => isLiveHere(pod, context) : isLivePod;
    // Usually every selected pod is live: then the list is shared, not copied.
    pods = selected.every(live) ? selected : selected.filter(live);
    known.set(service, pods);
  }
  return pods;
}

/** Each Service's live pods, once per check: most Service rules start from them. */
const livePods = oncePerCheck(() => new Map<Service, readonly Pod[]>());

/** How ready a Service's live pods are, as several rules ask it. */
export interface PodsReadiness {
  /** Some pod's readiness is unknown (`readinessOf` is null): a manifest's pod without status. */
  unknown: boolean;
  /** Every pod is Ready (`readinessOf` is true); true when there are none. */
  allReady: boolean;
  /** Some pod reports Ready=False itself (not only Pending without a Ready condition). */
  reportsNotReady: boolean;
}

/** The readiness of a Service's live pods, found in one pass per Service and check. */
export function readinessOfPods(service: Service, context: DiagnosticContext): PodsReadiness {
  const known = readiness(context);
  let found = known.get(service);
  if (!found) {
    found = { unknown: false, allReady: true, reportsNotReady: false };
    for (const pod of livePodsOf(service, context)) {
      const ready = readinessOf(pod);
      if (ready === true) continue;
      found.allReady = false;
      if (ready === null) found.unknown = true;
      else if (pod.status.ready === false) found.reportsNotReady = true;
    }
    known.set(service, found);
  }
  return found;
}

const readiness = oncePerCheck(() => new Map<Service, PodsReadiness>());

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

/**
 * Whether every endpoint of the Service's IPv4/IPv6 EndpointSlices names a pod and is ready or
 * terminating, and at least two pods' first endpoints are not terminating: the healthy case of
 * `serviceEndpoints` (which keeps each pod's first endpoint), told without building its views.
 * False leaves the question to them.
 */
export function servedByTwoReadyPods(service: Service, context: DiagnosticContext): boolean {
  // The first two pods counted; a Set of every pod would cost more than the rest of the check.
  let first: string | undefined;
  let second: string | undefined;
  let firstTerminating: Set<string> | undefined;
  for (const slice of context.slicesOf(service)) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    for (const { targetRef, conditions } of slice.endpoints) {
      // Keyed by pod name, as gatherEndpoints keys them; an endpoint without one is keyed otherwise.
      if (targetRef?.kind !== 'Pod' || !targetRef.name) return false;
      const terminating = conditions.terminating === true;
      if (!terminating && conditions.ready !== true) return false;
      const pod = targetRef.name;
      if (pod === first || pod === second || firstTerminating?.has(pod)) continue;
      if (terminating) (firstTerminating ??= new Set()).add(pod);
      else if (first === undefined) first = pod;
      else second ??= pod;
    }
  }
  return second !== undefined;
}

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
