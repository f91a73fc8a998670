/**
 * What the rules share about pods: which ones count, how ready they are and why not, the order
 * in which one of several is picked to report, and work done once per check of a namespace.
 */
import type { ContainerPort, Pod } from '../../../shared/kube';
import type { DiagnosticContext } from '../DiagnosticContext';
import { listSome } from './wording';

/** A pod that serves or may soon serve: not being deleted, not finished (a finished pod's IP may be reused). */
export function isLivePod(pod: Pod): boolean {
  // Asked of every pod by several rules: each field is read once.
  const { phase } = pod.status;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/**
 * The pods of the namespace checked that are not live, found once per check: usually none, and
 * then `isLiveHere` answers without reading the pod again (several rules ask it of every pod).
 */
const notLiveHere = oncePerCheck((context) => new Set(context.inNamespace('Pod').filter((pod) => !isLivePod(pod))));

/** `isLivePod`, answered from the set above for a pod of the namespace checked. */
export function isLiveHere(pod: Pod, context: DiagnosticContext): boolean {
  if (pod.metadata.namespace !== context.namespace) return isLivePod(pod);
  const notLive = notLiveHere(context);
  return notLive.size === 0 || !notLive.has(pod);
}

/**
 * Whether a pod is Ready: null when unknown (a manifest's pod without status). An observed Pending pod
 * with no Ready condition yet (unscheduled) is known not to be ready.
 */
export function readinessOf(pod: Pod): boolean | null {
  const { ready } = pod.status;
  if (ready !== null) return ready;
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
  return listSome(pods.map((p) => `${p.metadata.name}: ${notReadyReason(p)}`), limit, '; ');
}

/** The app a pod runs, by the labels charts set: `app.kubernetes.io/name`, else `app`. */
export const appName = (pod: Pod): string => pod.metadata.labels?.['app.kubernetes.io/name'] ?? pod.metadata.labels?.app ?? '';

/** By name, numbers in order: `db-2` before `db-10`. */
// One collator for every comparison: String#localeCompare with options builds one per call, which
// dominated the rules' time at 150,000 pods.
const numericNames = new Intl.Collator('en', { numeric: true });
export const byPodName = (a: Pod, b: Pod): number => byNumericName(a.metadata.name, b.metadata.name);

/** Lower-case letters, '-' and '.': where names first differ by two of these (or one ends), they order as code units do for the collator. */
const isPlain = (code: number) => (code >= 97 && code <= 122) || code === 45 || code === 46;

/**
 * The collator's numeric order, without asking it in the common case: names that first differ by a
 * letter, '-' or '.' (the digit runs before are then equal). Digits and anything else go to the collator.
 */
export function byNumericName(a: string, b: string): number {
  if (a === b) return 0;
  const shorter = Math.min(a.length, b.length);
  let i = 0;
  while (i < shorter && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  const x = i < a.length ? a.charCodeAt(i) : -1;
  const y = i < b.length ? b.charCodeAt(i) : -1;
  if ((x === -1 || isPlain(x)) && (y === -1 || isPlain(y))) return x < y ? -1 : 1;
  return numericNames.compare(a, b);
}

/** Oldest first, then by name: the pod that stays longest reports for its siblings. */
export const oldestFirst = (a: Pod, b: Pod): number => {
  // RFC 3339 timestamps of one form order as strings.
  const x = a.metadata.creationTimestamp ?? '';
  const y = b.metadata.creationTimestamp ?? '';
  return x < y ? -1 : x > y ? 1 : byPodName(a, b);
};

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
  return (context) => context.once(compute);
}

/** Appends to the list under a key, making it on first use. */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
