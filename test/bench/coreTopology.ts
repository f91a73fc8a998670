import { performance } from 'node:perf_hooks';
import { stripObject } from '../../src/core/kube/strip';
import { PolicyEngine } from '../../src/core/policy/PolicyEngine';
import { PolicyOverlayCache, policyOverlay } from '../../src/core/policy/policyOverlay';
import { networkPolicy } from '../../src/core/testing/manifests';
import { buildTopology } from '../../src/core/topology/buildTopology';
import { IncrementalTopology } from '../../src/core/topology/IncrementalTopology';
import { foldOverlay } from '../../src/core/view/foldOverlay';
import { projectView } from '../../src/core/view/projectView';
import { diffViews } from '../../src/core/view/viewDelta';
import { layoutItems, layoutTopology } from '../../src/core/view/layout';
import type { KubeObject, Pod } from '../../src/shared/kube';
import { SCALE_150K, syntheticCluster } from './syntheticCluster';

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;

function time<T>(label: string, run: () => T): T {
  const start = performance.now();
  const result = run();
  console.log(`  ${label.padEnd(44)} ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return result;
}

/** The pure core at scale: strip, build the topology, lay it out. */
export function benchCoreTopology(): void {
  console.log(`\nCore topology at scale: ${SCALE_150K.pods} pods, ${SCALE_150K.services} Services, ${SCALE_150K.nodes} nodes, ${SCALE_150K.namespaces} namespaces`);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const raw = time('generate raw API objects', () => [...syntheticCluster(SCALE_150K)]);
  const rawBytes = time('serialise them (JSON bytes of the list)', () => Buffer.byteLength(JSON.stringify(raw)));
  const objects = time('strip on arrival', () => raw.map((r) => stripObject(r)).filter((o): o is KubeObject => !!o));
  raw.length = 0;
  gc?.();
  const heapStripped = process.memoryUsage().heapUsed - heapBefore;
  const topology = time('buildTopology', () => buildTopology({ objects }));
  const incremental = new IncrementalTopology();
  time('IncrementalTopology, first update (whole state)', () => incremental.update({ objects }));
  time('  its merged topology', () => incremental.topology());
  // One pod changes (a new object, as a watch delivers it): one namespace's part is rebuilt.
  const podAt = objects.findIndex((o) => o.kind === 'Pod');
  const changed = [...objects];
  changed[podAt] = { ...objects[podAt] } as KubeObject;
  const rebuilt = time('IncrementalTopology, one pod changed (by state)', () => incremental.update({ objects: changed }));
  time('  its merged topology', () => incremental.topology());
  console.log(`  ${'  parts rebuilt'.padEnd(44)} ${[...rebuilt].join(', ')}`);
  const again = { ...changed[podAt] } as KubeObject;
  time('IncrementalTopology, one pod changed (by change)', () => incremental.apply([{ type: 'modified', key: '', object: again }]));
  time('  its merged topology', () => incremental.topology());
  const merged = incremental.topology();
  const cluster = time('projectView, cluster level (first: facts too)', () => projectView(merged, { level: 'auto' }));
  time('projectView, cluster level again', () => projectView(merged, { level: 'cluster' }));
  // The next revision: a pod turns not Ready (the same ids, so its facts start from the last ones), or a pod is added (facts made anew).
  const pod = objects[podAt] as Pod;
  incremental.apply([{ type: 'modified', key: '', object: { ...pod, status: { ...pod.status, ready: false } } }]);
  const notReady = time('a pod turned not Ready: the merged topology', () => incremental.topology());
  const notReadyView = time('first view after a pod turned not Ready', () => projectView(notReady, { level: 'cluster' }, cluster));
  incremental.apply([{ type: 'added', key: '', object: { ...pod, metadata: { ...pod.metadata, name: `${pod.metadata.name}-new` } } }]);
  const added = time('a pod was added: the merged topology', () => incremental.topology());
  const addedView = time('first view after a pod was added', () => projectView(added, { level: 'cluster' }, notReadyView));
  // Of the latest topology: the facts of one two revisions back are given up, and would be made again.
  const opened = time('projectView, one namespace expanded', () => projectView(added, { level: 'cluster', expanded: ['Namespace/ns-7'] }));
  time('  delta from the cluster level', () => diffViews(addedView, opened));
  console.log(`  ${'cluster level drawn'.padEnd(44)} ${cluster.level}: ${cluster.nodes.length} nodes, ${cluster.edges.length} edges`);
  console.log(`  ${'one namespace expanded'.padEnd(44)} ${opened.nodes.length} nodes, ${opened.edges.length} edges`);
  benchPolicyLayer(objects, incremental);
  const items = layoutItems(topology);
  const layout = time('layered layout, fresh', () => layoutTopology(items));
  time('layered layout, keeping positions (1% new)', () => layoutTopology([...items, ...items.slice(0, Math.floor(items.length / 100)).map((i) => ({ ...i, id: `${i.id}-new` }))], layout));
  console.log(`  ${'raw API JSON'.padEnd(44)} ${mib(rawBytes)}`);
  console.log(`  ${'heap of stripped objects'.padEnd(44)} ${mib(heapStripped)}  (ratio to raw JSON ${(heapStripped / rawBytes).toFixed(2)})`);
  console.log(`  ${'topology'.padEnd(44)} ${topology.nodes.length} nodes, ${topology.edges.length} edges`);
}

/**
 * The Policies layer the renderer asks for on every revision while it is on, at 150,000 pods with
 * two NetworkPolicies per namespace (a default deny and an allow from the namespace's own pods):
 * the first, the next after a pod changed (kept from the first), and that one from scratch.
 */
function benchPolicyLayer(objects: KubeObject[], incremental: IncrementalTopology): void {
  const namespaces = [...new Set(objects.flatMap((o) => (o.kind === 'Namespace' ? [o.metadata.name] : [])))];
  const policies = namespaces.flatMap((ns) => [networkPolicy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] }), networkPolicy(ns, 'allow-own', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })]);
  const state = [...objects, ...policies];
  const cache = new PolicyOverlayCache();
  const first = time(`Policies layer, first (${policies.length} policies)`, () => policyOverlay(new PolicyEngine(state), incremental.topology(), [], cache));
  const podAt = state.findIndex((o) => o.kind === 'Pod');
  const pod = state[podAt] as Pod;
  state[podAt] = { ...pod, status: { ...pod.status, ready: false } };
  incremental.apply([{ type: 'modified', key: '', object: state[podAt] }]);
  const start = performance.now();
  const next = time('  after a pod changed, kept from the first', () => policyOverlay(new PolicyEngine(state), incremental.topology(), [], cache));
  const kept = performance.now() - start;
  const scratchStart = performance.now();
  const scratch = time('  the same from scratch', () => policyOverlay(new PolicyEngine(state), incremental.topology()));
  const fresh = performance.now() - scratchStart;
  console.log(`  ${'  kept / scratch'.padEnd(44)} ${(kept / fresh).toFixed(2)}; the same layer: ${JSON.stringify(next) === JSON.stringify(scratch) ? 'yes' : 'NO — a bug'}; ${Object.keys(first.pods).length} pods marked`);
  const view = projectView(incremental.topology(), { level: 'cluster' });
  time('  folded to the cluster level', () => foldOverlay(incremental.topology(), view, next));
}
