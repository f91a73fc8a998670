/**
 * The Hubble Relay double for the soak, in its own process: `rate` flows a second to every open
 * stream until SIGTERM, each stamped with the time it is sent (relayDoubleProcess.ts encodes its
 * flows once up front, so over minutes their times would fall behind the clock and Strata would
 * count them into old buckets). Prints `{"address"}` once it serves, then every second `{"sent"}`:
 * the flows due since the start, each sent to every stream open at the time.
 *
 *   soakRelayProcess.ts RATE
 */
import { loadObserverService } from '../../src/main/flows/hubbleProto';
import type { Pod } from '../../src/shared/kube';
import { HubbleRelayDouble } from '../doubles/HubbleRelayDouble';
import { benchFlowResponse, benchState } from './flowTraffic';

const rate = Number(process.argv[2] ?? 5_000);
const pods = benchState().filter((o): o is Pod => o.kind === 'Pod');
const encode = loadObserverService().service.GetFlows.responseSerialize;
const relay = await HubbleRelayDouble.start();
process.stdout.write(`${JSON.stringify({ address: relay.address })}\n`);

let stopping = false;
process.once('SIGTERM', () => {
  stopping = true;
  void relay.close().finally(() => process.exit(0));
});

const tickMs = 10;
const start = Date.now();
let sent = 0;
let reportedAt = start;
while (!stopping) {
  const now = Date.now();
  // Encoded as they go out (5,000 a second costs this process a few percent of a core), and only
  // when someone listens: before Strata connects, the schedule just moves on.
  for (const due = Math.floor(((now - start) / 1000) * rate); sent < due; sent++) if (relay.openStreams > 0) relay.broadcast(encode(benchFlowResponse(pods, sent, now)));
  if (now - reportedAt >= 1000) {
    reportedAt = now;
    process.stdout.write(`${JSON.stringify({ sent })}\n`);
  }
  await new Promise((resolve) => setTimeout(resolve, tickMs));
}
