/**
 * What the rules share about pods: which ones count, how ready they are and why not, the order
 * in which one of several is picked to report, and work done once per check of a namespace.
 */
import type { ContainerPort, Pod } from '../../../shared/kube';
import type { DiagnosticContext } from '../DiagnosticContext';
import { listSome } from './wording';

/** A pod that serves or may soon serve: not being deleted, not finished (a finished pod's IP may be reused). */
export const isLivePod = (pod: Pod): boolean => !pod.metadata.deletionTimestamp && pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed';

/**
 * Whether a pod is Ready: null when unknown (a manifest's pod without status). An observed Pending pod
 * with no Ready condition yet (unscheduled) is known not to be ready.
 */
export function readinessOf(pod: Pod): boolean | null {
  if (pod.status.ready !== null) return pod.status.ready;
  return !pod.synthesized && pod.status.phase === 'Pending' ? false : null;
}

/** Why a pod is not ready, in a few words. */
export function notReadyReason(pod: Pod): string {
  return pod.status.notReady ?? (pod.status.phase === 'Pending' ? 'Pending' : 'not Ready');
}

/** Pods younger than this whose readiness probe has not passed yet are starting, not failing. */
export const STARTUP_GRACE_MS = 120_000;

/**
 * A not-ready pod that is only starting: created less than 2 minutes ago, with no definite failure
 * (a crash loop, an image pull error, a terminated container, the scheduler's refusal). Only
 * such pods' age is read, so a healthy namespace is not re-checked as time passes.
 */
export function isStarting(pod: Pod, context: DiagnosticContext): boolean {
  const reason = pod.status.notReady ?? '';
  if (/terminated|not scheduled/.test(reason) || (reason.includes('is waiting') && !reason.endsWith('ContainerCreating'))) return false;
  const age = context.ageOf(pod);
  return age !== undefined && age < STARTUP_GRACE_MS;
}

/** `cart-1: container app is waiting: CrashLoopBackOff; cart-2: Pending`, the first few. */
export function podReasons(pods: readonly Pod[], limit = 3): string {
  return listSome(
    pods.map((p) => `${p.metadata.name}: ${notReadyReason(p)}`),
    limit,
    '; ',
  );
}

/** The app a pod runs, by the labels charts set: `app.kubernetes.io/name`, else `app`. */
export const appName = (pod: Pod): string => pod.metadata.labels?.['app.kubernetes.io/name'] ?? pod.metadata.labels?.app ?? '';

/** By name, numbers in order: `db-2` before `db-10`. */
export const byPodName = (a: Pod, b: Pod): number => a.metadata.name.localeCompare(b.metadata.name, 'en', { numeric: true });

/** Oldest first, then by name: the pod that stays longest reports for its siblings. */
export const oldestFirst = (a: Pod, b: Pod): number => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || byPodName(a, b);

/** `http:8080/TCP`, or `8080/TCP` for an unnamed port. */
export const formatContainerPort = (p: ContainerPort): string => `${p.name ? `${p.name}:` : ''}${p.containerPort}/${p.protocol}`;

/** `http:8080/TCP, metrics:9090/TCP`: the distinct ports, the first few; `no ports` when there are none. */
export function formatPorts(ports: readonly ContainerPort[], limit = 6): string {
  const distinct = [...new Set(ports.map(formatContainerPort))];
  return distinct.length ? listSome(distinct, limit) : 'no ports';
}

/** Every port a pod's containers declare. */
export const declaredPorts = (pod: Pod): ContainerPort[] => pod.spec.containers.flatMap((c) => c.ports);

/**
 * A value worked out once per check of a namespace and shared by the checks of its objects (a
 * context lives exactly that long): pods grouped by IP, by Node or by workload.
 */
export function oncePerCheck<T>(compute: (context: DiagnosticContext) => T): (context: DiagnosticContext) => T {
  const cache = new WeakMap<DiagnosticContext, T>();
  return (context) => {
    if (cache.has(context)) return cache.get(context) as T;
    const value = compute(context);
    cache.set(context, value);
    return value;
  };
}

/** Appends to the list under a key, making it on first use. */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
