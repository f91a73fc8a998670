import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StrataBackend, type BackendOptions } from '../../src/main/backend/StrataBackend';
import { loadKubeconfig, locateKubeconfig } from '../../src/main/cluster/kubeconfig';
import { LiveClusterSource, type LiveClusterOptions } from '../../src/main/cluster/LiveClusterSource';
import { Backoff } from '../../src/main/cluster/backoff';
import type { SessionStatus, TopologySnapshot } from '../../src/shared/contract';
import type { ObjectChange } from '../../src/shared/kube';
import type { SourceUpdate } from '../../src/main/sources/TopologySource';
import { KubeApiServerDouble } from '../doubles/KubeApiServerDouble';
import { kubeconfigYaml } from '../doubles/kubeconfigFile';
import { makeTestPki, type TestPki } from '../doubles/testPki';
import { tempDir } from './tempDir';

export const READ_VERBS = new Set(['get', 'list', 'watch']);

/** Watcher timings for tests: quick retries, short watches, frequent discovery. */
export const FAST: Omit<LiveClusterOptions, 'kubeconfig'> = {
  discoveryIntervalMs: 200,
  settleMs: 20,
  watcher: { pageSize: 500, watchTimeoutSeconds: () => 30, backoff: new Backoff(50, 500), forbiddenRetryMs: 200 },
};

export interface TestCluster {
  pki: TestPki;
  api: KubeApiServerDouble;
  /** A kubeconfig with contexts `alice` (client certificate) and `jane` (bearer token), both on this double. */
  kubeconfig: string;
  dir: ReturnType<typeof tempDir>;
  close(): Promise<void>;
}

/** An API server double over HTTPS with a test PKI and a kubeconfig for it. */
export async function startTestCluster(options: { gatewayApi?: boolean; objects?: Iterable<Record<string, unknown>> } = {}): Promise<TestCluster> {
  const pki = await makeTestPki();
  const api = await KubeApiServerDouble.start({ tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert }, tokens: { 'token-of-jane': 'jane' }, bookmarkIntervalMs: 100, gatewayApi: options.gatewayApi ?? false });
  if (options.objects) api.applyAll(options.objects);
  const dir = tempDir();
  const kubeconfig = join(dir.path, 'config');
  writeFileSync(
    kubeconfig,
    kubeconfigYaml({
      contexts: [
        { name: 'alice', server: api.url, ca: pki.ca.cert, user: { clientCert: await pki.clientCert('alice') } },
        { name: 'jane', server: api.url, ca: pki.ca.cert, user: { token: 'token-of-jane' } },
      ],
      current: 'alice',
    }),
  );
  return {
    pki,
    api,
    kubeconfig,
    dir,
    close: async () => {
      await api.close();
      dir.remove();
      pki.remove();
    },
  };
}

/** A backend on a live context of a test cluster, with every change the watchers report. */
export function liveBackend(kubeconfig: string, context: string, extra: Partial<LiveClusterOptions> = {}, backendOptions: BackendOptions = {}) {
  const changes: ObjectChange[] = [];
  const source = new LiveClusterSource({ ...FAST, kubeconfig: loadKubeconfig(locateKubeconfig(kubeconfig)), context, onChanges: (c) => changes.push(...c), ...extra });
  // The changes in the updates the backend has been handed (the watchers' `changes` reach it a settling moment later).
  const delivered: ObjectChange[] = [];
  /** Every update the source handed over, in order. */
  const updates: SourceUpdate[] = [];
  const start = source.start.bind(source);
  source.start = (onUpdate) =>
    start((update) => {
      onUpdate(update);
      updates.push(update);
      if (update.changes) delivered.push(...update.changes);
    });
  const backend = new StrataBackend(source, backendOptions);
  let status: SessionStatus | undefined;
  let snapshot: TopologySnapshot = { revision: 0, topology: { nodes: [], edges: [] } };
  backend.subscribe((name, payload) => {
    if (name === 'session.changed') status = payload as SessionStatus;
    // Events carry the revision; the whole topology is asked for, as a tool would.
    else if (name === 'topology.changed') void backend.handlers['topology.get']({}).then((next) => (snapshot = next.revision >= snapshot.revision ? next : snapshot));
  });
  return {
    backend,
    changes,
    delivered,
    updates,
    status: () => status,
    topology: () => snapshot.topology,
    ids: () => new Set(snapshot.topology.nodes.map((n) => n.id)),
  };
}

/** Polls until `check` holds, or fails with what it last saw. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
