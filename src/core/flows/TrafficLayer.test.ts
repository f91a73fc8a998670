import { describe, expect, it } from 'vitest';
import type { FlowBucket } from '../../shared/flows';
import type { KubeObject, Service } from '../../shared/kube';
import { pod, service } from '../testing/manifests';
import { buildTopology } from '../topology/buildTopology';
import { EndpointIndex } from './EndpointIndex';
import { BUCKET_MS } from './FlowAggregator';
import { withObservedTraffic } from './observedTraffic';
import { TrafficLayer, trafficWindowOf, type TrafficWindow } from './TrafficLayer';

const pods = ['a', 'b', 'c'].map((name, i) => pod('shop', name, { ip: `10.0.0.${i + 1}` }));
const topology = buildTopology({ objects: pods });

/** One bucket interval's buckets, as LiveTraffic closes them: a few pairs, some dropped, one to the world. */
function group(start: number, seed: number): FlowBucket[] {
  const ends = ['Pod/shop/a', 'Pod/shop/b', 'Pod/shop/c', 'External/example.com'];
  return Array.from({ length: 6 }, (_, i): FlowBucket => {
    const dropped = (seed + i) % 3 === 0;
    return {
      start,
      source: ends[(seed + i) % 3],
      target: ends[(seed * 7 + i) % 4],
      protocol: i % 2 ? 'UDP' : 'TCP',
      port: 53 + (i % 2) * 8027,
      verdict: dropped ? 'DROPPED' : 'FORWARDED',
      ...(dropped ? { dropReason: (seed + i) % 2 ? 'POLICY_DENIED' : 'STALE_OR_UNROUTABLE_IP' } : {}),
      ...(i === 2 ? { service: 'Service/shop/web' } : {}),
      policies: dropped ? [`shop/deny-${seed % 2}`] : [],
      count: 1 + ((seed + i) % 5),
      first: start + i * 100,
      last: start + i * 100 + seed * 10,
    };
  });
}

describe('TrafficLayer', () => {
  it('draws what withObservedTraffic draws from the same buckets, as groups close, arrive late and leave the window', () => {
    const layer = new TrafficLayer();
    const closed: FlowBucket[][] = [];
    for (let step = 0; step < 40; step++) {
      const now = 1_000_000 + step * 4_000;
      // A group closes every other step; every fifth one is late, with a start already closed.
      if (step % 2 === 1) closed.push(group(now - 20_000 - (now % BUCKET_MS) - (step % 5 === 0 ? 3 * BUCKET_MS : 0), step));
      const window = { from: now - 60_000, to: now };
      const open = group(now - (now % BUCKET_MS), step + 100);
      const traffic: TrafficWindow = { window, closed: [...closed], open };
      const expected = withObservedTraffic(topology, [...closed.flat(), ...open], window);
      expect(layer.draw(topology, traffic)).toEqual(expected);
    }
  });

  it('stays exact, and holds numbers only for about the edges in the window, when every group brings new pairs', () => {
    const layer = new TrafficLayer();
    const closed: FlowBucket[][] = [];
    let most = 0;
    for (let step = 0; step < 40; step++) {
      const now = 1_000_000 + step * BUCKET_MS;
      // 100 pairs never seen before in each group: the old ones leave the window with their group.
      closed.push(group(now - BUCKET_MS, step).flatMap((b, i) => Array.from({ length: 17 }, (_, k) => ({ ...b, source: `Pod/shop/s${step}-${i}-${k}` }))));
      const window = { from: now - 60_000, to: now };
      const open = group(now, step + 100);
      const traffic: TrafficWindow = { window, closed: [...closed], open };
      expect(layer.draw(topology, traffic)).toEqual(withObservedTraffic(topology, [...closed.flat(), ...open], window));
      most = Math.max(most, layer.edgeNumbersHeld);
    }
    // 4,080 pairs were seen (8,160 numbers), at most some 700 edges are in the window: numbering started again.
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThan(6_000);
  });

  it('holds numbers only for about the edges drawn when windows have open buckets only, as a replay draws them', () => {
    const layer = new TrafficLayer();
    let most = 0;
    for (let step = 0; step < 40; step++) {
      const window = { from: step * BUCKET_MS, to: (step + 6) * BUCKET_MS };
      const buckets = group(step * BUCKET_MS, step).flatMap((b, i) => Array.from({ length: 17 }, (_, k) => ({ ...b, source: `Pod/shop/s${step}-${i}-${k}` })));
      expect(layer.draw(topology, trafficWindowOf(buckets, window))).toEqual(withObservedTraffic(topology, buckets, window));
      most = Math.max(most, layer.edgeNumbersHeld);
    }
    // 4,080 pairs were met (8,160 numbers), about 100 at a time.
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThan(3_000);
  });

  it('reuses the traffic edges when only the objects change, and finds the endpoints the new objects lack', () => {
    const layer = new TrafficLayer();
    const window = { from: 0, to: 60_000 };
    const traffic: TrafficWindow = { window, closed: [group(0, 1), group(10_000, 2)], open: group(20_000, 3) };
    const first = layer.draw(topology, traffic);
    const fewer = buildTopology({ objects: pods.slice(1) });
    const second = layer.draw(fewer, traffic);
    const observed = (t: typeof first) => t.edges.filter((e) => e.type === 'observed');
    expect(observed(second)).toHaveLength(observed(first).length);
    observed(second).forEach((edge, i) => expect(edge).toBe(observed(first)[i]));
    expect(second.nodes.find((n) => n.id === 'Pod/shop/a')).toMatchObject({ missing: true, missingReason: 'Seen in traffic, but not in the cluster state at that time' });
    expect(second).toEqual(withObservedTraffic(fewer, [...traffic.closed.flat(), ...traffic.open], window));
  });

  it('counts a port once per edge and protocol, whatever protocol the flows name', () => {
    const icmp: FlowBucket = { start: 0, source: 'Pod/shop/a', target: 'Pod/shop/b', protocol: 'ICMPv4', port: 0, verdict: 'FORWARDED', policies: [], count: 1, first: 0, last: 0 };
    const drawn = withObservedTraffic(topology, [icmp, { ...icmp, first: 5, last: 5 }], { from: 0, to: 10_000 });
    expect(drawn.edges.find((e) => e.type === 'observed')!.ports).toEqual([{ containerPort: 0, protocol: 'TCP' }]);
  });
});

describe('EndpointIndex kept current with changes', () => {
  const ip = (o: KubeObject, address: string): KubeObject => (o.kind === 'Pod' ? { ...o, status: { ...o.status, podIPs: [address] } } : o);

  it('attributes as an index built from the state after the changes would', () => {
    const web = service('shop', 'web', { clusterIP: '10.96.0.10', ports: [] });
    const host = pod('kube-system', 'agent', { ip: '10.0.0.2', hostNetwork: true });
    const start = [...pods, web, host];
    const index = new EndpointIndex(start);
    const restarted = pod('shop', 'a-2', { ip: '10.0.0.1' });
    const steps: { type: 'added' | 'modified' | 'deleted'; object: KubeObject }[][] = [
      // a's IP goes to its replacement, which is added before a is gone (both hold it for a while).
      [{ type: 'added', object: restarted }],
      [{ type: 'deleted', object: pods[0] }],
      // b moves to a new IP; the Service's IP changes; the hostNetwork pod goes.
      [{ type: 'modified', object: ip(pods[1], '10.0.0.9') }, { type: 'modified', object: { ...web, spec: { ...(web as Service).spec, clusterIPs: ['10.96.0.11'] } } as Service }, { type: 'deleted', object: host }],
    ];
    let state = new Map(start.map((o) => [`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o]));
    const probes = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.9', '10.96.0.10', '10.96.0.11', '10.1.1.1'];
    for (const changes of steps) {
      index.apply(changes.map((c) => ({ ...c, key: '' })));
      state = new Map(state);
      for (const { type, object } of changes) {
        const key = `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`;
        if (type === 'deleted') state.delete(key);
        else state.set(key, object);
      }
      const fresh = new EndpointIndex(state.values());
      for (const address of probes) expect(index.resolve({ ip: address }), `${address} after ${changes.map((c) => c.type).join(', ')}`).toBe(fresh.resolve({ ip: address }));
    }
    expect(index.resolve({ ip: '10.0.0.1' })).toBe('Pod/shop/a-2');
    expect(index.resolve({ ip: '10.0.0.9' })).toBe('Pod/shop/b');
    expect(index.resolve({ ip: '10.96.0.11' })).toBe('Service/shop/web');
  });
});
