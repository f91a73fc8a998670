/**
 * The Kubernetes API server double with a synthetic cluster, in its own process, so that the
 * benchmark's heap figures are Strata's alone. Prints one JSON line with the kubeconfig path once
 * it serves, and exits on SIGTERM (or SIGINT).
 *
 *   apiServerDoubleProcess.ts [CLUSTER_SIZE_JSON] [--control]
 *
 * With --control it also takes commands on stdin, one a line, answers each with one JSON line on
 * stdout (`{"command":…,…}`, or `{"command":…,"error":…}`), and exits when stdin closes (its parent
 * is gone). The commands change pods the way the cluster's controllers would, through the double's
 * own apply/delete, so Strata's watches see them as ordinary watch events:
 *
 *   notready NAMESPACE POD   the pod's Ready condition goes False; answers with `appliedAt` (Date.now())
 *   ready NAMESPACE POD      the pod's Ready condition goes True again
 *   churn EVENTS_PER_SECOND SECONDS NAMESPACE [NAMESPACE/POD@SECOND …]
 *       that many pod events a second in NAMESPACE, for that long (see churn()); answers when done,
 *       with the events it applied and the rate it reached, after restoring the namespace's pods.
 *       Each NAMESPACE/POD@SECOND (another namespace's pod) turns not Ready at that second of the
 *       churn and stays so; the answer's `notReadyAt` says when (Date.now()), by NAMESPACE/POD
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { KubeApiServerDouble } from '../doubles/KubeApiServerDouble';
import { kubeconfigYaml } from '../doubles/kubeconfigFile';
import { makeTestPki } from '../doubles/testPki';
import { SCALE_150K, syntheticCluster, syntheticPod, syntheticPodsOf, type ClusterSize } from './syntheticCluster';

const args = process.argv.slice(2);
const control = args.includes('--control');
const sizeArgument = args.find((a) => a !== '--control');
const size: ClusterSize = sizeArgument ? (JSON.parse(sizeArgument) as ClusterSize) : SCALE_150K;
const pki = await makeTestPki();
const api = await KubeApiServerDouble.start({ tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert }, tokens: { 'bench-token': 'bench' }, bookmarkIntervalMs: 5_000 });
api.applyAll(syntheticCluster(size));
const kubeconfig = join(pki.dir, 'kubeconfig');
writeFileSync(kubeconfig, kubeconfigYaml({ contexts: [{ name: 'bench', server: api.url, ca: pki.ca.cert, user: { token: 'bench-token' } }], current: 'bench' }));
process.stdout.write(`${JSON.stringify({ kubeconfig, url: api.url })}\n`);

let closing = false;
const shutDown = () => {
  if (closing) return;
  closing = true;
  void api.close().finally(() => {
    pki.remove();
    process.exit(0);
  });
};
process.once('SIGTERM', shutDown);
process.once('SIGINT', shutDown);

type Raw = Record<string, unknown>;
interface PodShape {
  metadata: { labels?: Record<string, string> };
  status: { conditions?: { type: string; status: string }[]; containerStatuses?: { ready: boolean }[] };
}

function setReady(namespace: string, name: string, ready: boolean): void {
  const pod = api.get('Pod', namespace, name) as unknown as PodShape | undefined;
  if (!pod) throw new Error(`no pod ${namespace}/${name}`);
  const status = ready ? 'True' : 'False';
  pod.status.conditions = [...(pod.status.conditions ?? []).filter((c) => c.type !== 'Ready'), { type: 'Ready', status }];
  for (const container of pod.status.containerStatuses ?? []) container.ready = ready;
  api.apply(pod as unknown as Raw);
}

function setLabel(namespace: string, name: string, key: string, value: string): void {
  const pod = api.get('Pod', namespace, name) as unknown as PodShape | undefined;
  if (!pod) throw new Error(`no pod ${namespace}/${name}`);
  pod.metadata.labels = { ...pod.metadata.labels, [key]: value };
  api.apply(pod as unknown as Raw);
}

/**
 * `eventsPerSecond` pod events a second in `namespace` for `seconds`, paced every 10 ms, in a
 * fixed mix: half are readiness flips (a sliding window of at most 25 pods not Ready: each new one
 * beyond that brings the oldest back), a quarter are label changes (`bench.strata.dev/churn`, a
 * label no selector uses), a quarter add or delete pods (`churn-N`, under the namespace's first
 * ReplicaSet, at most 50 alive). EndpointSlices are left alone: no controller runs here. At the
 * end every pod is Ready again and the added pods are deleted (those events are not counted).
 * `changes`: pods elsewhere that turn not Ready during it, each at its second (not counted either).
 */
async function churn(eventsPerSecond: number, seconds: number, namespace: string, changes: { pod: string; second: number }[] = []) {
  const pods = syntheticPodsOf(size, namespace);
  if (pods.length < 100) throw new Error(`namespace ${namespace} has ${pods.length} pods; churn needs at least 100`);
  const app = pods[0].app;
  const notReady: string[] = [];
  const added: string[] = [];
  const counts = { readiness: 0, labels: 0, added: 0, deleted: 0 };
  let cursor = 0;
  let addedSerial = 0;
  const nextPod = () => pods[cursor++ % pods.length].name;

  const step = (event: number) => {
    const slot = event % 4;
    if (slot <= 1) {
      if (notReady.length < 25) {
        let name = nextPod();
        while (notReady.includes(name)) name = nextPod(); // the cursor has come round the namespace
        setReady(namespace, name, false);
        notReady.push(name);
      } else setReady(namespace, notReady.shift()!, true);
      counts.readiness++;
    } else if (slot === 2) {
      setLabel(namespace, nextPod(), 'bench.strata.dev/churn', String(event));
      counts.labels++;
    } else if (added.length < 50) {
      const name = `churn-${addedSerial++}`;
      const index = 200_000 + addedSerial;
      api.apply(syntheticPod({ namespace, name, app, uid: `churn-${namespace}-${addedSerial}`, replicaSetUid: `churn-rs-${namespace}`, node: 'node-0', ip: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}` }));
      added.push(name);
      counts.added++;
    } else {
      api.delete('Pod', namespace, added.shift()!);
      counts.deleted++;
    }
  };

  const total = Math.round(seconds * eventsPerSecond);
  const start = performance.now();
  let applied = 0;
  let worstBacklog = 0;
  const notReadyAt: Record<string, number> = {};
  while (applied < total) {
    const now = (performance.now() - start) / 1000;
    const due = Math.min(Math.floor(now * eventsPerSecond), total);
    worstBacklog = Math.max(worstBacklog, due - applied);
    while (applied < due) step(applied++);
    for (const { pod, second } of changes) {
      if (second > now || pod in notReadyAt) continue;
      const [podNamespace, name] = pod.split('/');
      setReady(podNamespace, name, false);
      notReadyAt[pod] = Date.now();
    }
    // Yield to the event loop, so the watch streams write what was applied.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const elapsed = (performance.now() - start) / 1000;
  for (const name of notReady) setReady(namespace, name, true);
  for (const name of added) api.delete('Pod', namespace, name);
  return { events: applied, seconds: Number(elapsed.toFixed(2)), rate: Math.round(applied / elapsed), worstBacklog, pods: pods.length, ...counts, notReadyAt };
}

async function run(command: string, words: string[]): Promise<Raw> {
  switch (command) {
    case 'notready':
    case 'ready': {
      const [namespace, pod] = words;
      setReady(namespace, pod, command === 'ready');
      return { pod: `${namespace}/${pod}`, appliedAt: Date.now() };
    }
    case 'churn': {
      const [rate, seconds, namespace, ...changes] = words;
      return churn(
        Number(rate),
        Number(seconds),
        namespace,
        changes.map((change) => {
          const [pod, second] = change.split('@');
          return { pod, second: Number(second) };
        }),
      );
    }
    default:
      throw new Error(`unknown command ${command}; one of notready, ready, churn`);
  }
}

if (control) {
  // Commands run one at a time, in order: a churn's answer comes before the next command's.
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [command, ...words] = line.trim().split(/\s+/);
    if (!command) return;
    queue = queue.then(async () => {
      let answer: Raw;
      try {
        answer = { command, ...(await run(command, words)) };
      } catch (error) {
        answer = { command, error: (error as Error).message };
      }
      process.stdout.write(`${JSON.stringify(answer)}\n`);
    });
  });
  lines.once('close', shutDown);
}
