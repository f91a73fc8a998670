import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointIndex } from '../../src/core/flows/EndpointIndex';
import { FlowAggregator } from '../../src/core/flows/FlowAggregator';
import { pod } from '../../src/core/testing/manifests';
import { Backoff } from '../../src/main/cluster/backoff';
import type { FlowSourceStatus } from '../../src/main/flows/FlowSource';
import { HubbleRelaySource, type HubbleTls } from '../../src/main/flows/HubbleRelaySource';
import { Recorder } from '../../src/main/store/Recorder';
import { RecordingStore } from '../../src/main/store/RecordingStore';
import type { FlowNotice, FlowRecord } from '../../src/shared/flows';
import { HubbleRelayDouble, relayFlow, timestamp } from '../doubles/HubbleRelayDouble';
import { makeTestPki } from '../doubles/testPki';
import { eventually } from '../support/liveCluster';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connect(relay: HubbleRelayDouble, since: number, tls?: HubbleTls) {
  const flows: FlowRecord[] = [];
  const notices: FlowNotice[] = [];
  const statuses: FlowSourceStatus[] = [];
  const source = new HubbleRelaySource({ address: relay.address, since: new Date(since), backoff: new Backoff(50, 200), flushMs: 20, ...(tls ? { tls } : {}) });
  await source.start({ flows: (batch) => flows.push(...batch), notice: (n) => notices.push(n), status: (s) => statuses.push(s) });
  cleanups.push(() => source.stop());
  return { source, flows, notices, statuses };
}

// Every test here talks to the Hubble Relay DOUBLE in test/doubles (real gRPC), never to a real Relay.
describe('Hubble Relay over gRPC, against the Hubble Relay double', () => {
  it('follows GetFlows from `since`, and resumes after the Relay drops the stream without losing or repeating a flow', async () => {
    const relay = await HubbleRelayDouble.start({ version: 'v1.17.2', nodes: 3 });
    cleanups.push(() => relay.close());
    const t0 = Date.parse('2026-11-23T02:00:00Z');
    relay.record(relayFlow(t0 - 60_000, { ip: '10.0.0.1' }, { ip: '10.0.0.2' })); // before `since`: not asked for
    relay.record(relayFlow(t0, { ip: '10.0.0.1' }, { ip: '10.0.0.2' }));
    const live = await connect(relay, t0);
    await eventually(() => live.flows.length === 1 && relay.openStreams === 1, 'the first flow');
    expect(live.statuses.find((s) => s.state === 'streaming')?.message).toBe(`Hubble Relay ${relay.address}: Hubble v1.17.2, 3 nodes`);
    expect(relay.requests[0]).toEqual({ follow: true, since: t0 });

    relay.push(relayFlow(t0 + 1000, { ip: '10.0.0.1' }, { ip: '10.0.0.2' }));
    await eventually(() => live.flows.length === 2, 'a followed flow');
    relay.dropStreams();
    relay.record(relayFlow(t0 + 1000, { ip: '10.0.0.3' }, { ip: '10.0.0.2' }), relayFlow(t0 + 2000, { ip: '10.0.0.1' }, { ip: '10.0.0.2' }));
    await eventually(() => live.flows.length === 4, `the flows sent while disconnected (${JSON.stringify(live.statuses)} ${JSON.stringify(relay.requests)} ${live.flows.length})`);
    // Nothing counted twice: a flow sent after them all comes after them, and none of theirs comes again before it.
    relay.push(relayFlow(t0 + 3000, { ip: '10.0.0.9' }, { ip: '10.0.0.2' }));
    await eventually(() => live.flows.some((f) => f.source.ip === '10.0.0.9'), 'the flow after the resume');
    expect(live.flows.map((f) => `${f.time - t0} ${f.source.ip}`)).toEqual(['0 10.0.0.1', '1000 10.0.0.1', '1000 10.0.0.3', '2000 10.0.0.1', '3000 10.0.0.9']);
    expect(relay.requests.at(-1)).toEqual({ follow: true, since: t0 + 1000 });
    expect(live.statuses.some((s) => s.state === 'reconnecting' && s.message?.includes('relay restarting'))).toBe(true);
    expect(live.notices.find((n) => n.kind === 'connection')?.message).toMatch(/^No flows from .* to .*: the Hubble Relay stream was lost\.$/);
  });

  it('skips a message it cannot read, says so once, and goes on with the stream', async () => {
    const relay = await HubbleRelayDouble.start();
    cleanups.push(() => relay.close());
    const t0 = Date.now();
    const live = await connect(relay, t0 - 1000);
    await eventually(() => relay.openStreams === 1, 'the stream');
    // Field 1 (the flow) claims 255 bytes and has none: not a GetFlowsResponse.
    relay.push(Buffer.from([0x0a, 0xff]), Buffer.from([0x0a, 0xff]), relayFlow(t0, { ip: '10.0.0.1' }, { ip: '10.0.0.2' }));
    await eventually(() => live.flows.length === 1, 'the flow after the unreadable messages');
    expect(live.notices.map((n) => n.message)).toEqual([expect.stringMatching(/^Hubble Relay .* sent 1 message Strata could not read \(a frame that is not a GetFlowsResponse \(.+\)\): the traffic shown is incomplete\.$/)]);
  });

  it('reports lost_events and node_status to the user', async () => {
    const relay = await HubbleRelayDouble.start();
    cleanups.push(() => relay.close());
    const t0 = Date.now();
    const live = await connect(relay, t0 - 1000);
    await eventually(() => relay.openStreams === 1, 'the stream');
    relay.push(
      { lost_events: { source: 'HUBBLE_RING_BUFFER', num_events_lost: '1200' }, time: timestamp(t0) },
      { node_status: { state_change: 'NODE_UNAVAILABLE', node_names: ['test/node-2'], message: 'connection refused' }, time: timestamp(t0) },
    );
    await eventually(() => live.notices.length === 2, 'two notices');
    expect(live.notices.map((n) => n.message)).toEqual(['Hubble lost 1200 events (HUBBLE_RING_BUFFER): the traffic shown is incomplete.', 'Hubble node test/node-2: NODE_UNAVAILABLE (connection refused)']);
  });

  it('attributes each flow with the pods of its own time (an IP reused later) and names the world by DNS', async () => {
    const relay = await HubbleRelayDouble.start();
    cleanups.push(() => relay.close());
    // The recording knows: 10.0.5.5 was pod old-0 until 02:05, then pod new-0.
    const store = RecordingStore.open(':memory:');
    let now = Date.parse('2026-11-23T02:00:00Z');
    const recorder = new Recorder(store, { context: 't', cluster: 't', server: 't', namespaces: [] }, { now: () => now });
    recorder.start();
    recorder.record([{ type: 'added', key: '', object: pod('shop', 'old-0', { ip: '10.0.5.5' }) }, { type: 'added', key: '', object: pod('shop', 'client', { ip: '10.0.9.9' }) }]);
    recorder.flush();
    now += 5 * 60_000;
    recorder.record([{ type: 'deleted', key: '', object: pod('shop', 'old-0', { ip: '10.0.5.5' }) }, { type: 'added', key: '', object: pod('shop', 'new-0', { ip: '10.0.5.5' }) }]);
    recorder.stop();
    const t0 = Date.parse('2026-11-23T02:00:00Z');
    relay.record(
      relayFlow(t0 + 60_000, { ip: '10.0.9.9' }, { ip: '10.0.5.5' }),
      relayFlow(t0 + 10 * 60_000, { ip: '10.0.9.9' }, { ip: '10.0.5.5' }),
      relayFlow(t0 + 11 * 60_000, { ip: '10.0.9.9' }, { ip: '93.184.216.34', identity: 2, labels: ['reserved:world'] }, { destination_names: ['api.card-processor.example'] }),
    );
    const live = await connect(relay, t0);
    await eventually(() => live.flows.length === 3, 'the flows');
    const aggregator = new FlowAggregator();
    for (const flow of live.flows) aggregator.add(flow, new EndpointIndex(store.stateAt(flow.time).values()));
    expect(aggregator.drain().map((b) => `${b.source} -> ${b.target}`)).toEqual([
      'Pod/shop/client -> Pod/shop/old-0',
      'Pod/shop/client -> Pod/shop/new-0',
      'Pod/shop/client -> External/api.card-processor.example',
    ]);
    store.close();
  });

  it('streams over mutual TLS with the CA, client certificate and server name given, and says why when the CA is wrong', async () => {
    const pki = await makeTestPki();
    cleanups.push(() => pki.remove());
    const relay = await HubbleRelayDouble.start({ tls: { ca: pki.ca.cert, ...pki.server, requireClientCert: true } });
    cleanups.push(() => relay.close());
    const client = await pki.clientCert('hubble-ui');
    const files = (name: string, text: string) => {
      const path = join(pki.dir, name);
      writeFileSync(path, text);
      return path;
    };
    const tls: HubbleTls = { ca: join(pki.dir, 'ca.crt'), cert: files('relay-client.crt', client.cert), key: files('relay-client.key', client.key), serverName: 'localhost' };
    const t0 = Date.now();
    relay.record(relayFlow(t0, { ip: '10.0.0.1' }, { ip: '10.0.0.2' }));
    const secure = await connect(relay, t0 - 1000, tls);
    await eventually(() => secure.flows.length === 1, 'a flow over mTLS');
    expect(secure.statuses.some((s) => s.state === 'streaming')).toBe(true);

    const wrongCa = await connect(relay, t0 - 1000, { ...tls, ca: join(pki.dir, 'other-ca.crt') });
    await eventually(() => wrongCa.statuses.some((s) => s.state === 'reconnecting'), 'a failed handshake');
    expect(wrongCa.flows).toEqual([]);
    expect(wrongCa.statuses.find((s) => s.state === 'reconnecting')?.message).toMatch(/^Hubble Relay 127\.0\.0\.1:\d+: .+; retrying\.$/);
  });
});
