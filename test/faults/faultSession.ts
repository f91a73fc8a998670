import { StrataBackend, type BackendOptions } from '../../src/main/backend/StrataBackend';
import { loadKubeconfig, locateKubeconfig } from '../../src/main/cluster/kubeconfig';
import { LiveClusterSource, type LiveClusterOptions } from '../../src/main/cluster/LiveClusterSource';
import type { SessionStatus } from '../../src/shared/contract';
import type { KubeObject } from '../../src/shared/kube';
import { FAST, type TestCluster } from '../support/liveCluster';

/** `Kind/namespace/name` (`Kind/name` when cluster-scoped): the key the API double's objectVersions() uses. */
export const versionKey = (object: KubeObject) => `${object.kind}/${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;

/** What Strata shows of a live context, by key and resourceVersion, to compare with the server's truth. */
export function versionsOf(objects: Iterable<KubeObject>): Map<string, number> {
  const versions = new Map<string, number>();
  for (const object of objects) versions.set(versionKey(object), Number(object.metadata.resourceVersion));
  return versions;
}

/** The keys where two version maps differ (at most `limit` of them), for a failure message. */
export function differences(expected: ReadonlyMap<string, number>, actual: ReadonlyMap<string, number>, limit = 10): string[] {
  const out: string[] = [];
  for (const [key, rv] of expected) if (actual.get(key) !== rv) out.push(`${key}: server ${rv}, Strata ${actual.get(key) ?? 'absent'}`);
  for (const [key, rv] of actual) if (!expected.has(key)) out.push(`${key}: server absent, Strata ${rv}`);
  return out.slice(0, limit);
}

/**
 * A backend on a live context of a test cluster, keeping its source at hand (for the state it
 * holds) and every status it pushed, in order, so a test can say "resyncing, then synced".
 */
export function faultSession(cluster: TestCluster, extra: Partial<LiveClusterOptions> = {}, backendOptions: BackendOptions = {}) {
  const source = new LiveClusterSource({ ...FAST, kubeconfig: loadKubeconfig(locateKubeconfig(cluster.kubeconfig)), context: 'alice', ...extra });
  const backend = new StrataBackend(source, backendOptions);
  const statuses: SessionStatus[] = [];
  backend.subscribe((name, payload) => {
    if (name === 'session.changed') statuses.push(payload as SessionStatus);
  });
  return {
    source,
    backend,
    statuses,
    status: () => statuses.at(-1),
    /** The sync states pushed since `from`, with repeats folded: e.g. ['synced', 'resyncing', 'synced']. */
    syncSequence: (from = 0) => statuses.slice(from).map((s) => s.sync).filter((sync, i, all) => i === 0 || all[i - 1] !== sync),
    versions: () => versionsOf(source.currentObjects()),
  };
}

/** Prints a test's figures on one line, so a run's output can be quoted. */
export function reportFigures(test: string, figures: Record<string, number | string>): void {
  console.log(`[fault figures] ${test}: ${Object.entries(figures).map(([name, value]) => `${name}=${value}`).join(', ')}`);
}

/** Lets pending I/O (watch lines, timers due) run before the next burst of writes. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
