import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowBucket } from '../../shared/flows';
import type { KubeObject } from '../../shared/kube';
import { withObservedTraffic } from '../flows/observedTraffic';
import { TrafficLayer, trafficWindowOf } from '../flows/TrafficLayer';
import { idOf } from '../../shared/kube';
import type { Topology, TopologyNode } from '../../shared/model';
import type { ViewGraph, ViewLevel, ViewSpec } from '../../shared/view';
import { PROBLEMS_DRAWN_PER_AGGREGATE, VIEW_LEVELS } from '../../shared/view';
import { synthesizeOfflineState } from '../offline/synthesizeOfflineState';
import { deployment, kube, namespace, node, pod, service } from '../testing/manifests';
import { applyStep, changeStep, clusterObject } from '../testing/randomCluster';
import { IncrementalTopology } from '../topology/IncrementalTopology';
import { buildTopology } from '../topology/buildTopology';
import { openAtLevel, projectView, withAggregate } from './projectView';
import { searchObjects } from './searchObjects';
import type { ContainmentTree } from './containmentTree';
import { TopologyFacts } from './TopologyFacts';
import { applyViewDelta, diffViews } from './viewDelta';

const topologyOf = (objects: readonly KubeObject[]) => buildTopology({ objects: [...new Map(objects.map((o) => [idOf(o), o])).values()] });
const heldKey = (n: TopologyNode) => (n.kind === 'Workload' ? (n.workloadKind ?? 'Workload') : n.kind);
const sorted = (view: ViewGraph) => ({ ...view, nodes: [...view.nodes].sort((a, b) => (a.id < b.id ? -1 : 1)), edges: [...view.edges].sort((a, b) => (a.id < b.id ? -1 : 1)) });

const layeredTree = (t: Topology) => (Reflect.get(TopologyFacts.of(t), 'trees') as { layers?: ContainmentTree }).layers;

/**
 * Checks that a topology's facts, made from the facts before (`before`'s), and the view made with
 * them are those made from nothing: the view, the tree, every chain, position, edge end, total and
 * chain index entry; and that no node of `before` that went is found. The facts made last are
 * this topology's again afterwards, so that the next ones follow them.
 */
function expectAsFromNothing(topology: Topology, before: Topology, made: ViewGraph, spec: ViewSpec): void {
  const facts = TopologyFacts.of(topology);
  // A copy's facts, made from nothing: with none made before them, and none given up.
  const beforeLast = Reflect.get(TopologyFacts, 'beforeLast') as TopologyFacts | undefined;
  Reflect.set(TopologyFacts, 'last', undefined);
  Reflect.set(TopologyFacts, 'beforeLast', undefined);
  const copy = { ...topology };
  const fresh = TopologyFacts.of(copy);
  expect(made).toEqual(projectView(copy, spec));
  if (layeredTree(topology)) expect(layeredTree(topology)).toEqual(layeredTree(copy) ?? fresh.tree('layers'));
  for (const node of topology.nodes) expect(facts.containers(node, 'layers')).toEqual(fresh.containers(node, 'layers'));
  topology.nodes.forEach((node, i) => expect(facts.positionOf(node.id)).toBe(i));
  expect(facts.edgeEnds).toEqual(fresh.edgeEnds);
  expect([facts.totals, facts.namespaces, facts.externals]).toEqual([fresh.totals, fresh.namespaces, fresh.externals]);
  for (const node of topology.nodes) expect(facts.hasProblem(node.id)).toBe(fresh.hasProblem(node.id));
  const idsOf = (f: TopologyFacts, at: Int32Array) => [...at].map((p) => (p < 0 ? p : f.idAt(p)));
  const [index, freshIndex] = [facts.chainIndex('layers'), fresh.chainIndex('layers')];
  expect(idsOf(facts, index.outer)).toEqual(idsOf(fresh, freshIndex.outer));
  expect(idsOf(facts, index.inner)).toEqual(idsOf(fresh, freshIndex.inner));
  const now = new Set(topology.nodes.map((n) => n.id));
  for (const node of before.nodes) if (!now.has(node.id)) expect(facts.node(node.id)).toBeUndefined();
  Reflect.set(TopologyFacts, 'last', facts);
  Reflect.set(TopologyFacts, 'beforeLast', beforeLast);
}

/** The objects a level draws or folds: by Node it draws only Nodes and pods. */
function drawable(topology: Topology, level: ViewLevel, namespaces?: string[]): TopologyNode[] {
  const facts = TopologyFacts.of(topology);
  const scope = namespaces ? facts.scope(new Set(namespaces)) : undefined;
  return topology.nodes.filter((n) => (!scope || scope.has(n.id)) && facts.containers(n, level === 'nodes' ? 'nodes' : 'layers') !== null);
}

const spec: fc.Arbitrary<ViewSpec> = fc.record(
  {
    level: fc.constantFrom<ViewSpec['level']>('auto', ...VIEW_LEVELS),
    expanded: fc.subarray(['Namespace/a', 'Namespace/b', 'Deployment/a/web', 'Deployment/b/api', 'Service/a/web', 'Nodes/all', 'Node/n1']),
    collapsed: fc.subarray(['Namespace/a', 'Namespace/c', 'Deployment/a/db', 'Service/b/api']),
    namespaces: fc.subarray(['a', 'b', 'c'], { minLength: 1 }),
  },
  { requiredKeys: ['level'] },
);
const cluster = fc.array(clusterObject, { maxLength: 40 });

describe('projectView', () => {
  it('never loses a count: what folded aggregates hold plus what is drawn outside them is every object', () => {
    fc.assert(
      fc.property(cluster, spec, (objects, s) => {
        const topology = topologyOf(objects);
        const view = projectView(topology, s);
        const expected = new Map<string, number>();
        for (const n of drawable(topology, view.level, s.namespaces)) expected.set(heldKey(n), (expected.get(heldKey(n)) ?? 0) + 1);
        const counted = new Map<string, number>();
        const objectIds = new Set(topology.nodes.map((n) => n.id));
        for (const n of view.nodes) {
          if (n.aggregate && !n.aggregate.expanded) for (const [kind, held] of Object.entries(n.aggregate.holds)) if (kind !== 'Endpoint') counted.set(kind, (counted.get(kind) ?? 0) + held.total);
          if (objectIds.has(n.id) && !n.foldedInto) counted.set(heldKey(n), (counted.get(heldKey(n)) ?? 0) + 1);
        }
        expect(counted).toEqual(expected);
      }),
      { numRuns: 300, seed: 20261130 },
    );
  });

  it('never hides a problem: each is drawn on its own or listed by the aggregate that holds it, within the cap', () => {
    fc.assert(
      fc.property(cluster, spec, (objects, s) => {
        const topology = topologyOf(objects);
        const facts = TopologyFacts.of(topology);
        const view = projectView(topology, s);
        const drawn = new Set(view.nodes.map((n) => n.id));
        const listed = new Set(view.nodes.flatMap((n) => n.aggregate?.moreProblems.map((p) => p.id) ?? []));
        for (const n of drawable(topology, view.level, s.namespaces)) if (facts.hasProblem(n.id)) expect(drawn.has(n.id) || listed.has(n.id)).toBe(true);
        for (const aggregate of view.nodes.filter((n) => n.aggregate)) {
          const inside = view.nodes.filter((n) => n.foldedInto === aggregate.id).length;
          expect(inside).toBeLessThanOrEqual(PROBLEMS_DRAWN_PER_AGGREGATE);
          if (aggregate.aggregate!.moreProblems.length) expect(inside).toBe(PROBLEMS_DRAWN_PER_AGGREGATE);
        }
        // Every edge joins two drawn nodes.
        for (const e of view.edges) expect(drawn.has(e.source) && drawn.has(e.target)).toBe(true);
      }),
      { numRuns: 300, seed: 20261201 },
    );
  });

  it('gives back the same view when an aggregate is expanded and then collapsed, or collapsed and then expanded', () => {
    fc.assert(
      fc.property(cluster, spec, fc.nat(), (objects, s, pick) => {
        const topology = topologyOf(objects);
        const view = projectView(topology, s);
        const aggregates = view.nodes.filter((n) => n.aggregate);
        if (aggregates.length === 0) return;
        const chosen = aggregates[pick % aggregates.length];
        const open = chosen.aggregate!.expanded;
        const there = withAggregate(s, view.level, chosen.id, chosen.kind, !open);
        const back = withAggregate(there, view.level, chosen.id, chosen.kind, open);
        expect(projectView(topology, there).nodes.find((n) => n.id === chosen.id)?.aggregate?.expanded ?? !open).toBe(!open);
        expect(sorted(projectView(topology, back))).toEqual(sorted({ ...view }));
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('sends what changed as a delta that rebuilds the new view from the old one', () => {
    fc.assert(
      fc.property(cluster, cluster, spec, (before, added, s) => {
        const a = projectView(topologyOf(before), s);
        const b = projectView(topologyOf([...before, ...added]), { ...s, level: a.level });
        expect(sorted(applyViewDelta(a, diffViews(a, b)))).toEqual(sorted(b));
      }),
      { numRuns: 200, seed: 20261203 },
    );
  });

  it('made from a previous view, gives the view a fresh projection gives, sharing the objects that stayed equal', () => {
    // Traffic between pods of the random clusters (and some they lack), drawn as a live view draws it: the same window keeps its edges.
    const podIds = ['a', 'b', 'c'].flatMap((ns) => ['web', 'api', 'db'].map((app) => `Pod/${ns}/${app}-0`));
    const bucket = fc.record({ source: fc.constantFrom(...podIds), target: fc.constantFrom(...podIds, 'External/world'), dropped: fc.boolean(), count: fc.integer({ min: 1, max: 5 }) });
    fc.assert(
      fc.property(cluster, fc.array(bucket, { maxLength: 8 }), fc.array(changeStep, { maxLength: 4 }), spec, spec, (objects, flows, steps, s, t) => {
        const window = trafficWindowOf(
          flows.map((f): FlowBucket => ({ start: 0, first: 0, last: 1, source: f.source, target: f.target, verdict: f.dropped ? 'DROPPED' : 'FORWARDED', policies: [], count: f.count, port: 8080, protocol: 'TCP' })),
          { from: 0, to: 60_000 },
        );
        const traffic = new TrafficLayer();
        // A topology kept one namespace at a time shares what did not change with the one before.
        const state = new Map(objects.map((o) => [idOf(o), o]));
        const incremental = new IncrementalTopology();
        incremental.update({ objects: [...state.values()] });
        let topology = traffic.draw(incremental.topology(), window);
        let view = projectView(topology, t);
        // From a view of another spec, too.
        expect(projectView(topology, t, projectView(topology, s))).toEqual(view);
        for (const step of steps) {
          incremental.apply(applyStep(state, step));
          topology = traffic.draw(incremental.topology(), window);
          const fresh = projectView(topology, t);
          const made = projectView(topology, t, view);
          expect(made).toEqual(fresh);
          expect(sorted(applyViewDelta(view, diffViews(view, made)))).toEqual(sorted(fresh));
          // The same topology again: every element is the previous view's own.
          const again = projectView(topology, t, made);
          again.nodes.forEach((n, i) => expect(n).toBe(made.nodes[i]));
          again.edges.forEach((e, i) => expect(e).toBe(made.edges[i]));
          view = again;
        }
      }),
      { numRuns: 200, seed: 20261204 },
    );
  });

  it('projects a topology whose pods and Nodes only changed readiness as a fresh projection does (its facts taken from the topology before)', () => {
    let taken = 0;
    let derived = 0;
    let seeded = 0;
    fc.assert(
      fc.property(cluster, fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), spec, (objects, picks, s) => {
        const state = new Map(objects.map((o) => [idOf(o), o]));
        const incremental = new IncrementalTopology();
        incremental.update({ objects: [...state.values()] });
        const before = incremental.topology();
        projectView(before, s);
        const tree = (t: Topology) => (Reflect.get(TopologyFacts.of(t), 'trees') as { layers?: ContainmentTree }).layers;
        const treeBefore = tree(before);
        const keptBefore = structuredClone(treeBefore);
        const ids = [...state.keys()];
        const changes = picks.flatMap((i) => {
          const object = state.get(ids[i % ids.length]);
          if (object?.kind !== 'Pod' && object?.kind !== 'Node') return [];
          const flipped = { ...object, status: { ...object.status, ready: !object.status.ready } } as KubeObject;
          state.set(idOf(object), flipped);
          return [{ type: 'modified' as const, key: idOf(object), object: flipped }];
        });
        incremental.apply(changes);
        const topology = incremental.topology();
        // The chain index taken from the one before for the chains kept (a private field, read to be sure that path ran).
        if (Object.values(Reflect.get(TopologyFacts.of(topology), 'chainSeeds') as object).some(Boolean)) seeded++;
        const made = projectView(topology, s);
        // Readiness changes no id: the facts took their positions from the facts before (a private field, read to be sure the path ran).
        expect(Reflect.get(TopologyFacts.of(topology), 'positions')).toBe(Reflect.get(TopologyFacts.of(before), 'positions'));
        if (topology !== before) taken++;
        // Its layered tree made from the one before, taking its maps (private fields, read to be sure that path ran too).
        if (topology !== before && treeBefore && tree(topology)?.children === treeBefore.children) {
          derived++;
          // The facts before gave their tree up, and make it again, as it was, when asked.
          expect(tree(before)).toBeUndefined();
          expect(TopologyFacts.of(before).tree('layers')).toEqual(keptBefore);
        }
        // Facts of another topology made last: the copy's are made from nothing.
        TopologyFacts.of({ nodes: [], edges: [] });
        expect(made).toEqual(projectView({ ...topology }, s));
      }),
      { numRuns: 300, seed: 20261202 },
    );
    expect(taken).toBeGreaterThan(50);
    expect(derived).toBeGreaterThan(20);
    expect(seeded).toBeGreaterThan(50);
  });

  it('projects a topology whose parts were rebuilt (objects came, went or changed) as a fresh projection does, its tree made around the runs that differ', () => {
    let [around, aroundSeveral] = [0, 0];
    const layered = layeredTree;
    fc.assert(
      // Each step a few changes at once, as a revision gathers them: parts of several namespaces rebuilt. Past six
      // steps the positions are made again from the nodes alone.
      fc.property(cluster, fc.array(fc.array(changeStep, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 9 }), spec, (objects, steps, s) => {
        const state = new Map(objects.map((o) => [idOf(o), o]));
        const incremental = new IncrementalTopology();
        incremental.update({ objects: [...state.values()] });
        TopologyFacts.of({ nodes: [], edges: [] });
        let before = incremental.topology();
        projectView(before, s);
        for (const step of steps) {
          const treeBefore = layered(before);
          const kept = structuredClone(treeBefore);
          // A view made before, whose counts and lists the next tree must leave as they are.
          const viewBefore = projectView(before, s);
          const viewKept = structuredClone(viewBefore);
          incremental.apply(step.flatMap((change) => applyStep(state, change)));
          const topology = incremental.topology();
          const facts = TopologyFacts.of(topology);
          const made = projectView(topology, s);
          // The tree made around the runs shares the top with the tree before (private fields, read to be sure that path ran).
          const runs = Reflect.get(facts, 'runs') as unknown[] | undefined;
          if (runs !== undefined && layered(topology) !== undefined && layered(topology)!.top === treeBefore?.top) {
            around++;
            if (runs.length > 1) aroundSeveral++;
          }
          expectAsFromNothing(topology, before, made, s);
          expect(viewBefore).toEqual(viewKept);
          // The facts before, whose tree the new one may have taken, give the tree they had when asked.
          if (kept) expect(TopologyFacts.of(before).tree('layers')).toEqual(kept);
          before = topology;
        }
      }),
      { numRuns: 300, seed: 20261205 },
    );
    expect(around).toBeGreaterThan(30);
    expect(aroundSeveral).toBeGreaterThan(10);
  });

  it('keeps the facts made around runs as made from nothing through many revisions: past the steps folded into one, again and again, and when the Deployment its pods named comes', () => {
    const namespaces = Array.from({ length: 40 }, (_, i) => `ns-${i}`);
    const objects: KubeObject[] = [node('n1'), node('n2')];
    for (const ns of namespaces) {
      objects.push(namespace(ns), service(ns, 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] }));
      // Pods of a Deployment not listed yet: their owner reference makes a workload node, which the Deployment replaces when it comes.
      for (let i = 0; i < 4; i++) objects.push(pod(ns, `web-${i}`, { labels: { app: 'web' }, node: `n${1 + (i % 2)}`, owner: { kind: 'Deployment', name: 'web' } }));
    }
    const incremental = new IncrementalTopology();
    incremental.update({ objects });
    TopologyFacts.of({ nodes: [], edges: [] });
    const spec: ViewSpec = { level: 'cluster', expanded: namespaces.map((ns) => `Namespace/${ns}`) };
    let before = incremental.topology();
    projectView(before, spec);
    let [madeAgain, folded, stepsBefore] = [0, 0, 0];
    for (let step = 0; step < 24; step++) {
      const ns = namespaces[(step * 3) % namespaces.length];
      const added = [pod(ns, `extra-${step}`, { labels: { app: 'web' }, node: 'n1', ready: step % 2 === 0 })];
      if (step === 9) added.push(kube(deployment(ns, 'web', { app: 'web' })));
      incremental.apply(added.map((object) => ({ type: 'added' as const, key: idOf(object), object })));
      const topology = incremental.topology();
      const steps = (Reflect.get(Reflect.get(TopologyFacts.of(topology), 'positions') as object, 'steps') as unknown[]).length;
      if (steps === 0) madeAgain++;
      if (steps === 1 && stepsBefore > 1) folded++;
      stepsBefore = steps;
      expectAsFromNothing(topology, before, projectView(topology, spec), spec);
      before = topology;
    }
    // Never made again from the nodes: seven steps folded into one three times, a folded one among them from the second on.
    expect(madeAgain).toBe(0);
    expect(folded).toBe(3);
  });

  it('gives up the facts made before the last ones, writing the next facts into their buffers; asked for again, their topology gets facts made anew', () => {
    const objects: KubeObject[] = [node('n1'), namespace('a'), service('a', 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] })];
    for (let i = 0; i < 6; i++) objects.push(pod('a', `web-${i}`, { labels: { app: 'web' }, node: 'n1', owner: { kind: 'ReplicaSet', name: 'web-1' } }));
    const incremental = new IncrementalTopology();
    incremental.update({ objects });
    const spec: ViewSpec = { level: 'full' };
    const topologies: Topology[] = [];
    const facts: TopologyFacts[] = [];
    const indexBuffers: ArrayBufferLike[] = [];
    for (let step = 0; step < 4; step++) {
      // Each revision one pod more, not Ready: new ids (the facts are made around the runs) and one more problem.
      const object = pod('a', `extra-${step}`, { labels: { app: 'web' }, node: 'n1', ready: false, owner: { kind: 'ReplicaSet', name: 'web-1' } });
      incremental.apply([{ type: 'added', key: idOf(object), object }]);
      topologies.push(incremental.topology());
      projectView(topologies[step], spec);
      facts.push(TopologyFacts.of(topologies[step]));
      indexBuffers.push(facts[step].chainIndex('layers').outer.buffer);
    }
    // The first two were given up as the third and the fourth were made, which wrote their arrays into theirs.
    const buffer = (f: TopologyFacts, name: string) => (Reflect.get(f, name) as Int32Array).buffer;
    for (const name of ['podNode', 'sliceService', 'problem']) {
      expect(buffer(facts[2], name)).toBe(buffer(facts[0], name));
      expect(buffer(facts[3], name)).toBe(buffer(facts[1], name));
    }
    expect(indexBuffers[2]).toBe(indexBuffers[0]);
    expect(indexBuffers[3]).toBe(indexBuffers[1]);
    // Given up, they refuse to be read, while the last two are read as before.
    expect(() => facts[0].chainIndex('layers')).toThrow(/given up/);
    expect(() => facts[1].edgeEnds).toThrow(/given up/);
    expect(facts[3].hasProblem('Pod/a/extra-3')).toBe(true);
    // Their topologies get facts made anew, which project as a fresh copy does.
    expect(TopologyFacts.of(topologies[0])).not.toBe(facts[0]);
    expect(projectView(topologies[0], spec)).toEqual(projectView({ ...topologies[0] }, spec));
  });

  it('folds 40 not-ready pods at the cluster level into their namespace, drawing 25 and listing 15', () => {
    const pods = Array.from({ length: 60 }, (_, i) => pod('shop', `web-${String(i).padStart(2, '0')}`, { labels: { app: 'web' }, node: 'n1', ready: i >= 40, owner: { kind: 'ReplicaSet', name: 'web-abc' } }));
    const topology = buildTopology({ objects: [node('n1'), service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] }), ...pods] });
    const view = projectView(topology, { level: 'cluster' });
    const shop = view.nodes.find((n) => n.id === 'Namespace/shop')!;
    expect(shop.aggregate).toMatchObject({ expanded: false, problems: 40, holds: { Pod: { total: 60, ready: 20, notReady: 40 }, ReplicaSet: { total: 1 }, Service: { total: 1 } } });
    expect(shop.aggregate!.moreProblems).toHaveLength(15);
    expect(shop.aggregate!.moreProblems[0]).toEqual({ id: 'Pod/shop/web-25', problem: 'Pod is not Ready' });
    expect(view.nodes.filter((n) => n.foldedInto === 'Namespace/shop')).toHaveLength(25);
    // The Nodes are one cell, and no line is drawn per pod to it.
    expect(view.nodes.find((n) => n.id === 'Nodes/all')?.aggregate?.holds.Node).toEqual({ total: 1, ready: 1 });
    expect(view.edges.some((e) => e.target === 'Nodes/all')).toBe(false);
  });

  it('at the namespace level draws workloads with pod counts and Services joined to them with endpoint counts', () => {
    const objects = [
      node('n1'),
      service('shop', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
      ...[0, 1, 2].map((i) => pod('shop', `web-${i}`, { labels: { app: 'web' }, node: 'n1', ip: `10.0.0.${i}`, owner: { kind: 'ReplicaSet', name: 'web-abc' } })),
    ];
    const topology = buildTopology(synthesizeOfflineState(objects));
    const view = projectView(topology, { level: 'namespace' });
    expect(view.nodes.find((n) => n.id === 'ReplicaSet/shop/web-abc')?.aggregate).toMatchObject({ expanded: false, holds: { Pod: { total: 3, ready: 3 } } });
    expect(view.nodes.some((n) => n.kind === 'Pod' || n.kind === 'EndpointSlice')).toBe(false);
    expect(view.nodes.find((n) => n.id === 'Service/shop/web')?.aggregate?.holds).toMatchObject({ EndpointSlice: { total: 1 }, Endpoint: { total: 3, ready: 3 } });
    expect(view.edges.find((e) => e.source === 'Service/shop/web' && e.target === 'ReplicaSet/shop/web-abc')).toMatchObject({ type: 'slice-endpoint', count: 3 });
    expect(view.totals).toMatchObject({ pods: 3, workloads: 1, namespaces: 1, services: 1, nodes: 1 });
  });

  it('draws traffic from an object of a namespace the topology does not hold, at every level', () => {
    const objects = topologyOf([node('n1'), pod('a', 'web', { node: 'n1', ip: '10.0.0.1' })]);
    const bucket: FlowBucket = { start: 0, first: 0, last: 1, source: 'Pod/gone/client', target: 'Pod/a/web', verdict: 'DROPPED', dropReason: 'POLICY_DENIED', policies: [], count: 3, port: 80, protocol: 'TCP' };
    const topology = withObservedTraffic(objects, [bucket], { from: 0, to: 60_000 });
    for (const level of ['full', 'namespace', 'cluster'] as const) {
      const view = projectView(topology, { level });
      expect(view.nodes.map((n) => n.id)).toContain('Pod/gone/client');
      expect(view.edges.some((e) => e.source === 'Pod/gone/client' && e.observed?.verdict === 'DROPPED')).toBe(true);
    }
  });

  it('resolves auto to the deepest level that fits the budget', () => {
    const small = buildTopology({ objects: [node('n1'), pod('a', 'p', { node: 'n1' })] });
    expect(projectView(small, { level: 'auto' }).level).toBe('full');
    const many = buildTopology({ objects: Array.from({ length: 3100 }, (_, i) => pod('a', `p-${i}`, { owner: { kind: 'ReplicaSet', name: 'rs' } })) });
    expect(projectView(many, { level: 'auto' }).level).toBe('namespace');
    const workloads = buildTopology({ objects: Array.from({ length: 3100 }, (_, i) => pod('a', `p-${i}`, { owner: { kind: 'ReplicaSet', name: `rs-${i}` } })) });
    expect(projectView(workloads, { level: 'auto' }).level).toBe('cluster');
  });

  it('lays the level rules out as documented', () => {
    expect(openAtLevel('namespace', 'Namespace')).toBe(true);
    expect(openAtLevel('namespace', 'Workload')).toBe(false);
    expect(openAtLevel('cluster', 'Namespace')).toBe(false);
    expect(openAtLevel('full', 'Nodes')).toBe(true);
  });
});

describe('searchObjects', () => {
  it('finds folded objects and says which aggregates hold them', () => {
    const topology = buildTopology({ objects: [node('n1'), pod('shop', 'cart-7f9c-x2kq', { node: 'n1', owner: { kind: 'ReplicaSet', name: 'cart-7f9c' } }), pod('shop', 'web-1')] });
    const result = searchObjects(topology, 'cart-7f9c-x2kq');
    expect(result.total).toBe(1);
    expect(result.hits[0]).toEqual({ id: 'Pod/shop/cart-7f9c-x2kq', kind: 'Pod', name: 'cart-7f9c-x2kq', namespace: 'shop', within: ['Namespace/shop', 'ReplicaSet/shop/cart-7f9c'] });
    expect(searchObjects(topology, 'n1').hits[0].within).toEqual(['Nodes/all']);
  });
});
