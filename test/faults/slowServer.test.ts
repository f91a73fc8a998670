import { afterEach, describe, expect, it } from 'vitest';
import { echoCluster } from '../support/clusterObjects';
import { eventually, startTestCluster, type TestCluster } from '../support/liveCluster';
import { faultSession, reportFigures } from './faultSession';

// A slow API server, one that never answers, and one that accepts connections and then says
// nothing at all: against the Kubernetes API server DOUBLE (test/doubles), which counts the
// requests Strata has outstanding at any moment.

/** The latency of the slow server; the figure is 2 s. */
const LATENCY_MS = Number(process.env.STRATA_FAULT_LATENCY_MS ?? 2000);
/** The kinds the double serves without CRDs that Strata watches (one list or watch at a time each). */
const WATCHED_KINDS = 12;
/** Discovery asks for the group list, then the group versions it needs side by side. */
const DISCOVERY_REQUESTS = 4;
/** At most one request per watcher and one discovery round: anything above is a pile-up. */
const MOST_IN_FLIGHT = WATCHED_KINDS + DISCOVERY_REQUESTS;

describe('slow and silent API servers (API server double)', () => {
  let cluster: TestCluster;
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function connect(requestTimeoutMs?: number) {
    cluster = await startTestCluster({ objects: echoCluster() });
    cleanups.push(() => cluster.close());
    const live = faultSession(cluster, requestTimeoutMs === undefined ? {} : { requestTimeoutMs });
    return {
      live,
      start: async () => {
        await live.backend.start();
        cleanups.push(() => live.backend.stop());
      },
    };
  }

  /** Waits until discovery has asked for the group list `rounds` more times: the client has gone round its retry loop. */
  const discoveryRounds = async (rounds: number) => {
    const seen = cluster.api.requests.filter((r) => r.path === '/apis').length;
    await eventually(() => cluster.api.requests.filter((r) => r.path === '/apis').length >= seen + rounds, `${rounds} more discovery rounds`, 60_000);
  };

  it(`syncs with a server that takes ${LATENCY_MS} ms over every answer, saying what it waits for, with one request per watcher at most`, async () => {
    const { live, start } = await connect();
    cluster.api.faults.latencyMs = LATENCY_MS;
    const startedAt = Date.now();
    await start();
    await eventually(() => live.status()?.sync === 'synced', 'the first sync through the slow server', 120_000);
    const syncMs = Date.now() - startedAt;
    await eventually(() => cluster.api.openWatches() === WATCHED_KINDS, 'every watch to be open', 60_000);
    const peakWhileSyncing = cluster.api.faults.peakRequestsInFlight;
    cluster.api.faults.resetPeaks();
    await discoveryRounds(3);
    const messages = [...new Set(live.statuses.filter((s) => s.sync === 'connecting').map((s) => `${s.message!.split(' ')[0]} …`))];
    reportFigures('slow server', { 'latency per answer (ms)': LATENCY_MS, 'first sync took (ms)': syncMs, 'most requests in flight while syncing': peakWhileSyncing, 'most in flight once synced': cluster.api.faults.peakRequestsInFlight, 'bound': MOST_IN_FLIGHT });
    // The wait is visible: first the connection, then the kinds still being listed.
    expect(messages).toEqual(['Connecting …', 'Listing …']);
    expect(peakWhileSyncing).toBeLessThanOrEqual(MOST_IN_FLIGHT);
    // Synced and watching, only discovery polls: one round at a time.
    expect(cluster.api.faults.peakRequestsInFlight).toBeLessThanOrEqual(DISCOVERY_REQUESTS);
  });

  it('gives up a request after its timeout, says so, keeps retrying without piling up, and syncs once the server answers in time', async () => {
    const { live, start } = await connect(LATENCY_MS / 2);
    cluster.api.faults.latencyMs = LATENCY_MS;
    await start();
    await eventually(() => live.status()?.sync === 'error', 'an error status', 60_000);
    await discoveryRounds(3);
    const message = live.status()!.message!;
    const abandoned = cluster.api.requests.filter((r) => r.status === 0).length;
    reportFigures('request timeout', { 'latency (ms)': LATENCY_MS, 'timeout (ms)': LATENCY_MS / 2, 'requests given up': abandoned, 'most in flight': cluster.api.faults.peakRequestsInFlight });
    expect(message).toMatch(/^No answer from 127\.0\.0\.1:\d+ within [\d.]+ s \(GET \/apis\): the server or the network is overloaded or down\. Retrying\.$/);
    expect(cluster.api.faults.peakRequestsInFlight).toBeLessThanOrEqual(DISCOVERY_REQUESTS);

    cluster.api.faults.latencyMs = LATENCY_MS / 10;
    await eventually(() => live.status()?.sync === 'synced', 'the sync once the server answers in time', 60_000);
  });

  it('a server that reads requests and never answers: an error with the reason, no pile-up, before and after the first sync', async () => {
    const { live, start } = await connect(500);
    const silence = cluster.api.faults.add(() => ({ kind: 'hang' }));
    await start();
    await eventually(() => live.status()?.sync === 'error', 'an error status', 60_000);
    await discoveryRounds(4);
    const peakBefore = cluster.api.faults.peakRequestsInFlight;
    expect(live.status()!.message).toMatch(/^No answer from 127\.0\.0\.1:\d+ within 0\.5 s \(GET \/apis\)/);
    // The hung requests were closed by Strata, not left for the server to hold.
    await eventually(() => cluster.api.faults.requestsInFlight <= 1, 'the given-up requests to be closed');
    silence();
    await eventually(() => live.status()?.sync === 'synced', 'the sync once the server answers', 60_000);

    // Synced; now every new request hangs, and the watches break: the watches cannot even start again.
    const from = live.statuses.length - 1;
    const hang = cluster.api.faults.add(() => ({ kind: 'hang' }));
    cluster.api.faults.resetPeaks();
    cluster.api.dropWatches();
    await eventually(() => live.status()?.sync === 'resyncing' && live.status()!.message!.startsWith('No answer'), 'resyncing with the reason', 60_000);
    await discoveryRounds(3);
    const watchMessage = live.statuses.map((s) => s.message ?? '').find((m) => / \(watch \//.test(m));
    const peakAfter = cluster.api.faults.peakRequestsInFlight;
    hang();
    await eventually(() => live.status()?.sync === 'synced', 'synced again', 60_000);
    reportFigures('server never answers', { 'requests sent while silent': cluster.api.requests.filter((r) => r.status === 0).length, 'most in flight before sync': peakBefore, 'most in flight after sync': peakAfter, 'bound': MOST_IN_FLIGHT, statuses: live.syncSequence(from).join(' → ') });
    expect(peakBefore).toBeLessThanOrEqual(DISCOVERY_REQUESTS);
    expect(peakAfter).toBeLessThanOrEqual(MOST_IN_FLIGHT);
    expect(watchMessage).toMatch(/^No answer from 127\.0\.0\.1:\d+ within 0\.5 s \(watch \/[^)]+\): the server or the network is overloaded or down\. Retrying; showing what was last seen\.$/);
    expect(live.syncSequence(from)).toEqual(['synced', 'resyncing', 'synced']);
  });

  it('a server that accepts connections and never says a word (no TLS handshake): an error with the reason, no pile-up of connections', async () => {
    const { live, start } = await connect(500);
    cluster.api.faults.acceptButNeverAnswer = true;
    await start();
    await eventually(() => live.status()?.sync === 'error', 'an error status', 60_000);
    // The black hole sees connections, not requests: wait for a few of the client's retries.
    await eventually(() => cluster.api.faults.peakHeldConnections > 0 && cluster.api.faults.heldConnections === 0, 'a held connection to be given up');
    const message = live.status()!.message!;
    cluster.api.faults.acceptButNeverAnswer = false;
    await eventually(() => live.status()?.sync === 'synced', 'the sync once the server talks', 60_000);
    reportFigures('server accepts and never answers', { 'most connections held at once': cluster.api.faults.peakHeldConnections });
    expect(message).toMatch(/^No answer from 127\.0\.0\.1:\d+ within 0\.5 s \(GET \/apis\)/);
    expect(cluster.api.faults.peakHeldConnections).toBeLessThanOrEqual(DISCOVERY_REQUESTS);
  });
});
