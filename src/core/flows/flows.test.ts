import { describe, expect, it } from 'vitest';
import type { FlowRecord } from '../../shared/flows';
import { pod, service } from '../testing/manifests';
import { buildTopology } from '../topology/buildTopology';
import { EndpointIndex } from './EndpointIndex';
import { FlowAggregator } from './FlowAggregator';
import { normalizeFlowResponse } from './normalizeFlow';
import { withObservedTraffic } from './observedTraffic';


const flowOf = (line: unknown): FlowRecord => {
  const n = normalizeFlowResponse(line);
  if (!('flow' in n)) throw new Error(`not a flow: ${JSON.stringify(n)}`);
  return n.flow;
};

describe('Hubble flows', () => {
  it('reads gRPC-decoded messages, with enum numbers, {seconds, nanos} times and wrapped booleans', () => {
    const flow = flowOf({
      flow: {
        time: { seconds: '1795400000', nanos: 5_000_000 },
        verdict: 2,
        IP: { source: '10.0.0.1', destination: '10.0.0.2' },
        l4: { UDP: { source_port: 5353, destination_port: 53 } },
        source: { namespace: 'a', pod_name: 'p' },
        destination: { identity: 2, labels: ['reserved:world'] },
        destination_names: ['api.example.com'],
        drop_reason_desc: 133,
        is_reply: { value: false },
        egress_denied_by: [{ name: 'deny-all', namespace: 'a', revision: '7' }],
      },
    });
    expect(flow).toMatchObject({ time: 1795400000005, verdict: 'DROPPED', protocol: 'UDP', destinationPort: 53, dropReason: 'POLICY_DENIED', isReply: false, policies: ['a/deny-all'] });
    expect(flow.destination).toEqual({ ip: '10.0.0.2', identity: 2, names: ['api.example.com'], reserved: 'world' });
  });

  it('turns lost_events and node_status into notices', () => {
    expect(normalizeFlowResponse({ lost_events: { source: 'HUBBLE_RING_BUFFER', num_events_lost: '42' }, time: '2026-11-23T02:13:00Z' })).toEqual({
      notice: { t: Date.parse('2026-11-23T02:13:00Z'), kind: 'lost-events', message: 'Hubble lost 42 events (HUBBLE_RING_BUFFER): the traffic shown is incomplete.' },
    });
    expect(normalizeFlowResponse({ node_status: { state_change: 2, node_names: ['prod/node-b'], message: 'connection refused' } })).toMatchObject({ notice: { kind: 'node-status', message: 'Hubble node prod/node-b: NODE_UNAVAILABLE (connection refused)' } });
  });

  it('attributes an IP to the pod that held it at the time, not to a later pod that reused it', () => {
    const before = new EndpointIndex([pod('shop', 'old', { ip: '10.244.1.7' })]);
    const after = new EndpointIndex([pod('shop', 'new', { ip: '10.244.1.7' })]);
    expect(before.resolve({ ip: '10.244.1.7' })).toBe('Pod/shop/old');
    expect(after.resolve({ ip: '10.244.1.7' })).toBe('Pod/shop/new');
    expect(after.resolve({ ip: '10.96.0.10' })).toBe('External/10.96.0.10');
    expect(new EndpointIndex([service('shop', 'web', { clusterIP: '10.96.0.10', ports: [] })]).resolve({ ip: '10.96.0.10' })).toBe('Service/shop/web');
    // Namespace and pod name, when present, win over the IP.
    expect(after.resolve({ ip: '10.244.1.7', namespace: 'shop', pod: 'old' })).toBe('Pod/shop/old');
  });

  it('gives reserved identities nodes of their own, with DNS names for the world', () => {
    const index = new EndpointIndex([]);
    expect(index.resolve({ reserved: 'world', ip: '93.184.216.34', names: ['api.card-processor.example'] })).toBe('External/api.card-processor.example');
    expect(index.resolve({ reserved: 'world', ip: '93.184.216.34' })).toBe('External/world');
    expect(index.resolve({ reserved: 'host' }, 'prod/node-a')).toBe('Node/node-a');
    expect(index.resolve({ reserved: 'kube-apiserver' })).toBe('External/kube-apiserver');
  });

  it('counts a connection once, from its request side, in time buckets with verdicts and policies', () => {
    const index = new EndpointIndex([pod('shop', 'checkout', { ip: '10.0.0.1' }), pod('payments', 'api', { ip: '10.0.0.2' })]);
    const base: FlowRecord = { time: 1_000_000, verdict: 'FORWARDED', protocol: 'TCP', destinationPort: 8443, source: { ip: '10.0.0.1' }, destination: { ip: '10.0.0.2' }, policies: [] };
    const aggregator = new FlowAggregator();
    aggregator.add(base, index);
    aggregator.add({ ...base, time: 1_004_000 }, index);
    aggregator.add({ ...base, time: 1_005_000, isReply: true, source: base.destination, destination: base.source }, index);
    aggregator.add({ ...base, time: 1_012_000, verdict: 'DROPPED', dropReason: 'POLICY_DENIED', policies: ['payments/default-deny'] }, index);
    const buckets = aggregator.drain();
    expect(buckets).toEqual([
      { start: 1_000_000, source: 'Pod/shop/checkout', target: 'Pod/payments/api', protocol: 'TCP', port: 8443, verdict: 'FORWARDED', policies: [], count: 2, first: 1_000_000, last: 1_004_000 },
      { start: 1_010_000, source: 'Pod/shop/checkout', target: 'Pod/payments/api', protocol: 'TCP', port: 8443, verdict: 'DROPPED', dropReason: 'POLICY_DENIED', policies: ['payments/default-deny'], count: 1, first: 1_012_000, last: 1_012_000 },
    ]);
    expect([aggregator.seen, aggregator.counted]).toEqual([4, 3]);

    const topology = withObservedTraffic(buildTopology({ objects: [pod('shop', 'checkout', { ip: '10.0.0.1' }), pod('payments', 'api', { ip: '10.0.0.2' })] }), buckets, { from: 1_000_000, to: 1_020_000 });
    const dropped = topology.edges.find((e) => e.id === 'observed:Pod/shop/checkout->Pod/payments/api#dropped')!;
    expect(dropped.observed).toMatchObject({ verdict: 'DROPPED', count: 1, dropReasons: ['POLICY_DENIED'], policies: ['payments/default-deny'] });
    expect(dropped.problems).toEqual(['Traffic dropped: POLICY_DENIED by payments/default-deny']);
    expect(topology.edges.find((e) => e.id.endsWith('#forwarded'))!.observed!.ratePerSecond).toBeCloseTo(0.1);
  });
});

describe('FlowAggregator at high cardinality', () => {
  it('drains a bucket with more pairs than a call takes arguments', () => {
    const aggregator = new FlowAggregator();
    const index = new EndpointIndex([]);
    for (let i = 0; i < 200_000; i++) {
      aggregator.add({ time: 1_000, source: { ip: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` }, destination: { ip: '10.255.0.1' }, protocol: 'TCP', destinationPort: 80, verdict: 'FORWARDED', policies: [] } as FlowRecord, index);
    }
    expect(aggregator.drain()).toHaveLength(200_000);
  });
});
