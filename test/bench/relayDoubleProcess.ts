/**
 * The Hubble Relay double in its own process, for the sustained-rate benchmark: once a client is
 * connected it sends `rate` flows a second for `seconds`, then prints how many it sent.
 */
import { loadObserverService } from '../../src/main/flows/hubbleProto';
import type { Pod } from '../../src/shared/kube';
import { HubbleRelayDouble } from '../doubles/HubbleRelayDouble';
import { benchFlowResponse, benchState } from './flowTraffic';

const [rate, seconds] = [Number(process.argv[2] ?? 50_000), Number(process.argv[3] ?? 60)];
const pods = benchState().filter((o): o is Pod => o.kind === 'Pod');
const relay = await HubbleRelayDouble.start();
process.stdout.write(`${JSON.stringify({ address: relay.address })}\n`);
while (relay.openStreams === 0) await new Promise((r) => setTimeout(r, 20));

// Flows are encoded once, up front: the double's own encoding cost is not what is measured.
const encode = loadObserverService().service.GetFlows.responseSerialize;
const pool = Array.from({ length: 20_000 }, (_, i) => encode(benchFlowResponse(pods, i, Date.now())));
const tickMs = 10;
const perTick = (rate * tickMs) / 1000;
const start = Date.now();
let sent = 0;
while (Date.now() - start < seconds * 1000) {
  const due = Math.floor(((Date.now() - start) / 1000) * rate);
  for (; sent < due; sent++) relay.broadcast(pool[sent % pool.length]);
  await new Promise((r) => setTimeout(r, tickMs));
}
process.stdout.write(`${JSON.stringify({ sent, perTick })}\n`);
process.once('SIGTERM', () => void relay.close().finally(() => process.exit(0)));
