import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { EndpointIndex } from '../../src/core/flows/EndpointIndex';
import { FlowAggregator } from '../../src/core/flows/FlowAggregator';
import { normalizeFlowResponse, type NormalizedResponse } from '../../src/core/flows/normalizeFlow';
import { loadObserverService } from '../../src/main/flows/hubbleProto';
import { HubbleRelaySource } from '../../src/main/flows/HubbleRelaySource';
import { readFlowResponse } from '../../src/main/flows/hubbleWire';
import type { Pod } from '../../src/shared/kube';
import { benchFlowResponse, benchState } from './flowTraffic';

const N = 300_000;
const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
const line = (label: string, value: string) => console.log(`  ${label.padEnd(44)} ${value}`);

function ingest(decode: (i: number) => NormalizedResponse | undefined, index: EndpointIndex): number {
  const aggregator = new FlowAggregator();
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    const result = decode(i);
    if (result && 'flow' in result) aggregator.add(result.flow, index);
  }
  aggregator.drain();
  return performance.now() - start;
}

/** Parse and aggregate, from jsonpb lines and from protobuf messages, against a bare JSON.parse. */
function benchParse(): void {
  const state = benchState();
  const pods = state.filter((o): o is Pod => o.kind === 'Pod');
  const index = new EndpointIndex(state);
  const t0 = Date.parse('2026-11-23T02:00:00Z');
  const responses = Array.from({ length: N }, (_, i) => benchFlowResponse(pods, i, t0 + i));
  const lines = responses.map((r) => {
    const flow = r.flow as Record<string, unknown>;
    const time = new Date((flow.time as { seconds: string }).seconds as unknown as number * 1000).toISOString();
    return JSON.stringify({ ...r, flow: { ...flow, time }, time });
  });
  const Observer = loadObserverService();
  const method = Observer.service.GetFlows;
  const messages = responses.map((r) => method.responseSerialize(r));

  const bareStart = performance.now();
  for (const l of lines) JSON.parse(l);
  const bare = performance.now() - bareStart;
  const jsonpb = ingest((i) => normalizeFlowResponse(JSON.parse(lines[i])), index);
  // What the Relay stream does with each message: the direct reader (generic decoding for the rare rest).
  const protobuf = ingest((i) => readFlowResponse(messages[i]), index);
  line('jsonpb: parse + attribute + aggregate', `${rate(N, jsonpb).toLocaleString('en')} flows/s   (target ≥ 100,000 on one core)`);
  line('bare JSON.parse of the same lines', `${rate(N, bare).toLocaleString('en')} lines/s`);
  line('ratio jsonpb ingest / bare JSON.parse', (bare / jsonpb).toFixed(2));
  line('protobuf: decode + attribute + aggregate', `${rate(N, protobuf).toLocaleString('en')} flows/s   (target ≥ 100,000 on one core)`);
}

/** 50,000 flows/s for 60 s from the Relay double (its own process) through gRPC: sent must equal counted. */
async function benchSustained(flowsPerSecond: number, seconds: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./relayDoubleProcess.ts', import.meta.url).pathname, String(flowsPerSecond), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  try {
    const { address } = JSON.parse((await lines.next()).value as string) as { address: string };
    const state = benchState();
    const index = new EndpointIndex(state);
    const aggregator = new FlowAggregator();
    const source = new HubbleRelaySource({ address, since: new Date(Date.now() - 1000) });
    await source.start({ flows: (flows) => flows.forEach((f) => aggregator.add(f, index)), notice: () => {}, status: () => {} });
    const { sent } = JSON.parse((await lines.next()).value as string) as { sent: number };
    // Let the last messages in flight arrive.
    const deadline = Date.now() + 10_000;
    while (aggregator.seen < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await source.stop();
    line(`sustained ${flowsPerSecond.toLocaleString('en')} flows/s for ${seconds} s`, `sent ${sent.toLocaleString('en')}, counted ${aggregator.seen.toLocaleString('en')}, lost ${(sent - aggregator.seen).toLocaleString('en')}   (target: 0 lost)`);
  } finally {
    child.kill('SIGTERM');
  }
}

export async function benchFlows(options: { sustainedSeconds?: number } = {}): Promise<void> {
  console.log('\nFlows: Hubble jsonpb and protobuf ingest, and a sustained stream from the Hubble Relay double (a test double, in its own process)');
  benchParse();
  await benchSustained(50_000, options.sustainedSeconds ?? 60);
}
