import { performance } from 'node:perf_hooks';
import { ConnectivityCache, workloadConnectivity } from '../../src/core/policy/connectivity';
import { connectionVerdict } from '../../src/core/policy/explainVerdict';
import { PolicyEngine } from '../../src/core/policy/PolicyEngine';
import { policyOverlay } from '../../src/core/policy/policyOverlay';
import { reachPath } from '../../src/core/policy/reachPath';
import { synthesizeOfflineState } from '../../src/core/offline/synthesizeOfflineState';
import { buildTopology } from '../../src/core/topology/buildTopology';
import { namespace, networkPolicy, pod, service } from '../../src/core/testing/manifests';
import type { KubeObject } from '../../src/shared/kube';

const line = (label: string, value: string) => console.log(`  ${label.padEnd(52)} ${value}`);
const ms = (start: number) => performance.now() - start;

/** A deterministic pseudo-random sequence, so every run measures the same cluster. */
function random(seed: number) {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const TIERS = ['web', 'api', 'db', 'cache', 'worker'];

/** 2,000 pods in 200 workloads over 10 namespaces, and 300 policies of every shape the engine reads. */
export function policyCluster(): { objects: KubeObject[]; policies: KubeObject[] } {
  const rnd = random(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)];
  const objects: KubeObject[] = [];
  for (let n = 0; n < 10; n++) objects.push(namespace(`ns-${n}`, { team: `team-${n % 4}`, env: n < 5 ? 'prod' : 'dev' }));
  for (let w = 0; w < 200; w++) {
    const ns = `ns-${w % 10}`;
    const labels = { app: `app-${w}`, tier: TIERS[w % TIERS.length], team: `team-${w % 4}` };
    objects.push(service(ns, `app-${w}`, { selector: { app: `app-${w}` }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }));
    for (let r = 0; r < 10; r++) {
      objects.push(pod(ns, `app-${w}-7d9f8c6b5-${r}`, { labels, ip: `10.${w >> 4}.${(w & 15) * 16 + (r >> 4)}.${(r & 15) + 1}`, owner: { kind: 'ReplicaSet', name: `app-${w}-7d9f8c6b5` }, ports: [{ name: 'http', containerPort: 8000 + (w % 7) }, { name: 'metrics', containerPort: 9090 }] }));
    }
  }
  const policies: KubeObject[] = [];
  for (let i = 0; i < 300; i++) {
    const ns = `ns-${i % 10}`;
    const shape = i % 6;
    const subject = shape === 0 ? {} : { matchLabels: { tier: pick(TIERS) } };
    const peer = [
      { podSelector: { matchLabels: { tier: pick(TIERS) } } },
      { namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: [`team-${i % 4}`, `team-${(i + 1) % 4}`] }] }, podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] } },
      { ipBlock: { cidr: `${20 + (i % 50)}.0.0.0/8`, except: [`${20 + (i % 50)}.${i % 200}.0.0/16`] } },
      { namespaceSelector: { matchLabels: { env: pick(['prod', 'dev']) } } },
    ][i % 4];
    const ports = [[{ port: 'http' }], [{ port: 5432 }, { port: 6379 }], [{ port: 8000, endPort: 8010 }], [{ protocol: 'UDP', port: 53 }], []][i % 5];
    policies.push(networkPolicy(ns, `policy-${i}`, {
      podSelector: subject,
      policyTypes: shape === 5 ? ['Ingress', 'Egress'] : ['Ingress'],
      ingress: shape === 0 ? [] : [{ from: [peer], ...(ports.length ? { ports } : {}) }],
      ...(shape === 5 ? { egress: [{ to: [peer], ports: [{ protocol: 'UDP', port: 53 }] }, { to: [{ namespaceSelector: {} }] }] } : {}),
    }));
  }
  return { objects: [...objects, ...policies], policies };
}

/** Policy engine at the scale: the full list, one query, and recomputing after one policy changes. */
export function benchPolicy(): void {
  const { objects, policies } = policyCluster();
  console.log(`\nPolicy engine: ${objects.filter((o) => o.kind === 'Pod').length} pods in 200 workloads, ${policies.length} NetworkPolicies (selectors, expressions, ipBlocks, named ports, endPort)`);
  let start = performance.now();
  const engine = new PolicyEngine(objects);
  line('build the engine (compile and index)', `${ms(start).toFixed(1)} ms`);
  const cache = new ConnectivityCache();
  start = performance.now();
  const list = workloadConnectivity(engine, {}, cache);
  line('full workload connectivity list', `${ms(start).toFixed(0)} ms, ${list.length} lines   (target ≤ 1,000 ms)`);

  const pods = engine.pods;
  const rnd = random(11);
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const a = pods[Math.floor(rnd() * pods.length)];
    const b = pods[Math.floor(rnd() * pods.length)];
    start = performance.now();
    connectionVerdict(engine, { pod: a }, { pod: b }, 'TCP', 8000 + (i % 7));
    times.push(ms(start));
  }
  times.sort((x, y) => x - y);
  line('one pod → pod verdict (both sides explained), p50/p95/max', `${times[500].toFixed(3)} / ${times[950].toFixed(3)} / ${times[999].toFixed(3)} ms   (target ≤ 5 ms)`);
  // The panel's question: a workload to a Service, resolved to the targetPort on each of its 10 pods.
  const paths: number[] = [];
  for (let i = 0; i < 200; i++) {
    const from = Math.floor(rnd() * 200);
    const to = Math.floor(rnd() * 200);
    start = performance.now();
    reachPath(engine, { from: `ns-${from % 10}/app-${from}-7d9f8c6b5`, to: `Service/ns-${to % 10}/app-${to}`, port: 80 });
    paths.push(ms(start));
  }
  paths.sort((x, y) => x - y);
  line('one "can A reach B?" workload → Service (10 × 10 checks), p50/p95', `${paths[100].toFixed(2)} / ${paths[190].toFixed(2)} ms   (target ≤ 5 ms)`);

  // The Policies layer the UI asks for on every revision, over a topology with EndpointSlices.
  const withSlices = synthesizeOfflineState(objects).objects;
  const topology = buildTopology({ objects: withSlices });
  start = performance.now();
  const overlay = policyOverlay(new PolicyEngine(withSlices), topology);
  line('Policies layer (isolation, backend verdicts, selections)', `${ms(start).toFixed(0)} ms for ${Object.keys(overlay.edges).length} backend edges`);

  // One policy changes: its selector and its peers. Only the pods it selects, before or after, are judged again.
  const changed = networkPolicy('ns-3', 'policy-13', { podSelector: { matchLabels: { tier: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'web' } } }], ports: [{ port: 5432 }] }] });
  const nextObjects = objects.map((o) => (o.kind === 'NetworkPolicy' && o.metadata.namespace === 'ns-3' && o.metadata.name === 'policy-13' ? changed : o));
  start = performance.now();
  const next = new PolicyEngine(nextObjects);
  cache.invalidate([...engine.podsSelectedBy('NetworkPolicy/ns-3/policy-13'), ...next.podsSelectedBy('NetworkPolicy/ns-3/policy-13')]);
  const nextList = workloadConnectivity(next, {}, cache);
  const incremental = ms(start);
  line('recompute the list after one policy changes', `${incremental.toFixed(0)} ms   (target ≤ 100 ms)`);
  start = performance.now();
  const fresh = workloadConnectivity(new PolicyEngine(nextObjects));
  const scratch = ms(start);
  line('  the same from scratch, for comparison', `${scratch.toFixed(0)} ms (ratio incremental / scratch ${(incremental / scratch).toFixed(2)})`);
  const same = JSON.stringify(fresh.map((e) => [e.source, e.destination, String(e.ports)])) === JSON.stringify(nextList.map((e) => [e.source, e.destination, String(e.ports)]));
  line('  incremental list equals the list from scratch', same ? 'yes' : 'NO — a bug');
}
