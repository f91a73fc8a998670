import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { KubeObject, ObjectChange, Pod, Workload } from '../../shared/kube';
import { idOf, isWorkload } from '../../shared/kube';
import type { Topology, TopologyNode } from '../../shared/model';
import { namespace, node, pod, service } from '../testing/manifests';
import { applyStep, changeStep, clusterObject } from '../testing/randomCluster';
import { ClusterIndex } from './ClusterIndex';
import { addComputeLayer } from './computeLayer';
import { addEntryLayer } from './entryLayer';
import { IncrementalTopology } from './IncrementalTopology';
import { addServiceLayer } from './serviceLayer';
import { sortedById, TopologyBuilder } from './TopologyBuilder';

/** The oracle: the same layer passes over the whole state in one builder, as Strata built topologies before parts. */
function wholeStateTopology(objects: readonly KubeObject[]): Topology {
  const index = new ClusterIndex({ objects });
  const builder = new TopologyBuilder();
  addComputeLayer(index, builder, objects.filter(isWorkload) as Workload[]);
  addServiceLayer(index, builder);
  addEntryLayer(index, builder);
  const built = builder.build();
  const named = new Set(built.nodes.filter((n) => n.kind === 'Namespace').map((n) => n.name));
  for (const ns of new Set(built.nodes.map((n) => n.namespace).filter((n): n is string => !!n && !named.has(n)))) {
    builder.addNode({ kind: 'Namespace', name: ns, facts: { implied: true } });
  }
  return builder.build();
}

/**
 * Which part first names a missing object, and so whose words its reason carries, depends on the
 * order parts are visited; Externals' roles likewise. Everything else must be equal.
 */
function comparable(topology: Topology): Topology {
  const node = (n: TopologyNode): TopologyNode =>
    n.missing ? { ...n, missingReason: 'missing', problems: ['missing'] } : n.kind === 'External' ? { ...n, facts: { ...n.facts, roles: [...(n.facts.roles as string[])].sort() } } : n;
  const edges = topology.edges.map((e) => (e.problems.some((p) => p.includes('does not exist')) ? { ...e, problems: e.problems.map((p) => (p.includes('does not exist') ? 'missing' : p)) } : e));
  return { nodes: sortedById(topology.nodes.map(node)), edges: sortedById(edges) };
}


describe('IncrementalTopology', () => {
  it('after any sequence of changes equals a whole-state build of the same objects', () => {
    fc.assert(
      fc.property(fc.array(clusterObject, { maxLength: 25 }), fc.array(changeStep, { maxLength: 8 }), (initial, steps) => {
        const state = new Map<string, KubeObject>();
        for (const o of initial) state.set(idOf(o), o);
        // One follows whole states, the other the changes a watch would report.
        const byState = new IncrementalTopology();
        const byChanges = new IncrementalTopology();
        byState.update({ objects: [...state.values()] });
        byChanges.apply([...state.values()].map((object) => ({ type: 'added', key: idOf(object), object })));
        expect(comparable(byState.topology())).toEqual(comparable(wholeStateTopology([...state.values()])));
        for (const s of steps) {
          const changes = applyStep(state, s);
          byState.update({ objects: [...state.values()] });
          byChanges.apply(changes);
          const expected = comparable(wholeStateTopology([...state.values()]));
          expect(comparable(byState.topology())).toEqual(expected);
          expect(comparable(byChanges.topology())).toEqual(expected);
        }
      }),
      { numRuns: 200, seed: 20261130 },
    );
  });

  it('merges a change in place into exactly the topology a whole merge gives, order included', () => {
    // Besides random steps, pods of the state turn Ready or not: the same ids, so the parts keep their shape.
    const flip = fc.record({ flip: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) });
    let inPlace = 0;
    fc.assert(
      fc.property(fc.array(clusterObject, { maxLength: 25 }), fc.array(fc.tuple(fc.oneof(changeStep, flip, flip), fc.boolean()), { maxLength: 10 }), (initial, steps) => {
        const state = new Map<string, KubeObject>();
        for (const o of initial) state.set(idOf(o), o);
        const history: ObjectChange[][] = [[...state.values()].map((object) => ({ type: 'added', key: idOf(object), object }))];
        const merged = new IncrementalTopology();
        // The whole merge, a private method, watched to count the merges made in place.
        const whole = vi.spyOn(merged as unknown as { merge(): Topology }, 'merge');
        merged.apply(history[0]);
        merged.topology();
        for (const [s, mergeNow] of steps) {
          let changes: ObjectChange[];
          if ('flip' in s) {
            const pods = [...state.values()].filter((o): o is Pod => o.kind === 'Pod');
            changes = s.flip.flatMap((i) => {
              const pod = pods[i % Math.max(1, pods.length)];
              if (!pod) return [];
              const flipped = { ...pod, status: { ...pod.status, ready: !pod.status.ready } } as KubeObject;
              state.set(idOf(flipped), flipped);
              return [{ type: 'modified' as const, key: idOf(flipped), object: flipped }];
            });
          } else changes = applyStep(state, s);
          history.push(changes);
          merged.apply(changes);
          // Sometimes several batches come before the next merge.
          if (!mergeNow) continue;
          const calls = whole.mock.calls.length;
          // The same changes, merged once at the end: a whole merge.
          const fresh = new IncrementalTopology();
          for (const batch of history) fresh.apply(batch);
          expect(merged.topology()).toStrictEqual(fresh.topology());
          if (whole.mock.calls.length === calls && changes.length > 0) inPlace++;
        }
      }),
      { numRuns: 200, seed: 20261202 },
    );
    // Random parts often hold a placeholder (a pod on a Node not there), which only a whole merge places.
    expect(inPlace).toBeGreaterThan(10);
    // Two namespaces with nothing missing: every readiness change, alone or several before a merge, is merged in place.
    const objects = [node('n1'), ...['a', 'b'].flatMap((ns) => [service(ns, 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] }), ...[0, 1, 2].map((i) => pod(ns, `web-${i}`, { labels: { app: 'web' }, node: 'n1', ip: `10.0.0.${i}` }))])];
    const clean = new IncrementalTopology();
    const whole = vi.spyOn(clean as unknown as { merge(): Topology }, 'merge');
    clean.update({ objects });
    clean.topology();
    let current = objects;
    for (const [i, batch] of [[2], [4, 7], [3], [6, 8]].entries()) {
      current = current.map((o, k) => (batch.includes(k) ? ({ ...o, status: { ...(o as Pod).status, ready: !(o as Pod).status.ready } } as KubeObject) : o));
      clean.update({ objects: current });
      if (i === 1) clean.update({ objects: current });
      const fresh = new IncrementalTopology();
      fresh.update({ objects: current });
      expect(clean.topology()).toStrictEqual(fresh.topology());
    }
    // A pod added to the first namespace moves the second one's place; a change there then lands where it now is.
    const added = pod('a', 'web-3', { labels: { app: 'web' }, node: 'n1', ip: '10.0.0.3' });
    const removed = current.find((o) => o.kind === 'Pod' && o.metadata.namespace === 'a' && o.metadata.name === 'web-0')!;
    for (const next of [[...current, added], [...current, added].filter((o) => o !== removed)]) {
      current = next;
      clean.update({ objects: current });
      clean.topology();
      const b = current.findIndex((o) => o.kind === 'Pod' && o.metadata.namespace === 'b');
      current = current.map((o, k) => (k === b ? ({ ...o, status: { ...(o as Pod).status, ready: !(o as Pod).status.ready } } as KubeObject) : o));
      clean.update({ objects: current });
      const fresh = new IncrementalTopology();
      fresh.update({ objects: current });
      expect(clean.topology()).toStrictEqual(fresh.topology());
    }
    expect(whole).toHaveBeenCalledTimes(1);
    // Ranges that no longer describe the last merge (here: the second part recorded where the first is) make it whole again.
    const ranges = (Reflect.get(clean, 'lastMerge') as { parts: Map<string, { node: number; edge: number }> }).parts;
    ranges.set('b', { ...ranges.get('b')!, node: ranges.get('a')!.node, edge: ranges.get('a')!.edge });
    current = current.map((o) => (o.kind === 'Pod' ? ({ ...o, status: { ...o.status, ready: !o.status.ready } } as KubeObject) : o));
    clean.update({ objects: current });
    const fresh = new IncrementalTopology();
    fresh.update({ objects: current });
    expect(clean.topology()).toStrictEqual(fresh.topology());
    expect(whole).toHaveBeenCalledTimes(2);
  });

  it('merges in place two parts that grew and shrank at once, around a part with a placeholder, as a whole merge does', () => {
    // b's pod runs on a Node that is not there: b holds a placeholder, so its place is copied, not recorded.
    const inNs = (ns: string, i: number, node = 'n1') => pod(ns, `web-${i}`, { labels: { app: 'web' }, node, ip: `10.0.${ns.charCodeAt(0)}.${i}` });
    let objects: KubeObject[] = [node('n1'), ...['a', 'b', 'c'].map((ns) => namespace(ns)), inNs('a', 0), inNs('a', 1), inNs('b', 0, 'gone'), inNs('c', 0), inNs('c', 1), inNs('c', 2)];
    const merged = new IncrementalTopology();
    const whole = vi.spyOn(merged as unknown as { merge(): Topology }, 'merge');
    merged.update({ objects });
    merged.topology();
    const check = () => {
      const fresh = new IncrementalTopology();
      fresh.update({ objects });
      expect(merged.topology()).toStrictEqual(fresh.topology());
    };
    // One pod more in a, one less in c, in one update.
    objects = [...objects.filter((o) => !(o.kind === 'Pod' && o.metadata.namespace === 'c' && o.metadata.name === 'web-0')), inNs('a', 2)];
    merged.update({ objects });
    check();
    // Then c, moved twice over, changes again.
    objects = objects.map((o) => (o.kind === 'Pod' && o.metadata.namespace === 'c' && o.metadata.name === 'web-2' ? ({ ...o, status: { ...(o as Pod).status, ready: false } } as KubeObject) : o));
    merged.update({ objects });
    check();
    expect(whole).toHaveBeenCalledTimes(1);
  });

  it('rebuilds only the namespace that changed, and the parts that look into it', () => {
    const objects = [node('n1'), pod('a', 'web-1', { node: 'n1' }), pod('b', 'web-1', { node: 'n1' }), service('c', 'svc', { selector: { app: 'x' } })];
    const incremental = new IncrementalTopology();
    expect([...incremental.update({ objects })].sort()).toEqual(['', 'a', 'b', 'c']);
    expect(incremental.update({ objects: [...objects] }).size).toBe(0);

    const changedPod = pod('a', 'web-1', { node: 'n1', ready: false });
    expect([...incremental.update({ objects: [objects[0], changedPod, objects[2], objects[3]] })]).toEqual(['a']);
    // Both namespaces' pods run on n1, but only its being there matters to them: a status change of
    // the Node rebuilds the cluster-scoped part alone, and its removal reaches them.
    expect([...incremental.update({ objects: [node('n1', '192.168.0.9'), changedPod, objects[2], objects[3]] })]).toEqual(['']);
    expect([...incremental.update({ objects: [changedPod, objects[2], objects[3]] })].sort()).toEqual(['', 'a', 'b']);
    expect(incremental.topology().nodes.find((n) => n.id === 'Node/n1')).toMatchObject({ missing: true });
  });

  it('keeps the first of two objects with one id (the same manifest in two files), and does not flip between them', () => {
    const first = pod('a', 'web', { labels: { v: '1' } });
    const second = pod('a', 'web', { labels: { v: '2' } });
    const incremental = new IncrementalTopology();
    incremental.update({ objects: [first] });
    expect(incremental.update({ objects: [first, second] }).size).toBe(0);
    expect(incremental.update({ objects: [first, second] }).size).toBe(0);
    expect(incremental.topology().nodes.find((n) => n.id === 'Pod/a/web')?.labels).toEqual({ v: '1' });
    // When the drawn one goes, the other takes its place.
    incremental.update({ objects: [second] });
    expect(incremental.topology().nodes.find((n) => n.id === 'Pod/a/web')?.labels).toEqual({ v: '2' });
  });

  it('says how big the topology is without merging it', () => {
    const incremental = new IncrementalTopology();
    incremental.update({ objects: [node('n1'), pod('a', 'web-1', { node: 'n1' }), pod('b', 'web-1', { node: 'n2' }), service('c', 'svc', { selector: { app: 'x' } })] });
    const { nodes, edges } = incremental.topology();
    expect(incremental.size()).toEqual({ nodes: nodes.length, edges: edges.length });
  });

  it('draws a static pod as a workload of its own, not one per Node', () => {
    const mirror = (name: string) => pod('kube-system', name, { node: 'cp-1', owner: { kind: 'Node', name: 'cp-1' } });
    const incremental = new IncrementalTopology();
    incremental.update({ objects: [node('cp-1'), mirror('etcd-cp-1'), mirror('kube-apiserver-cp-1')] });
    const workloads = incremental.topology().nodes.filter((n) => n.kind === 'Workload');
    expect(workloads.map((w) => [w.id, w.workloadKind, w.facts.pods])).toEqual([
      ['StaticPod/kube-system/etcd-cp-1', 'StaticPod', 1],
      ['StaticPod/kube-system/kube-apiserver-cp-1', 'StaticPod', 1],
    ]);
  });
});
