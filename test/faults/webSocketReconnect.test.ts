import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, type ClientOptions } from 'ws';
import { applyViewDelta } from '../../src/core/view/viewDelta';
import { startStrataServer, type RunningServer } from '../../src/main/server/StrataServer';
import { WebSocketApi } from '../../src/renderer/api/WebSocketApi';
import type { ViewGraph, ViewSpec } from '../../src/shared/view';
import { echoCluster, pod } from '../support/clusterObjects';
import { eventually, startTestCluster, type TestCluster } from '../support/liveCluster';
import { CuttingProxy } from './cuttingProxy';
import { faultSession, reportFigures } from './faultSession';

// The renderer's WebSocket client (src/renderer/api/WebSocketApi.ts) against a real `strata serve`
// server on a live context of the API server DOUBLE, through a proxy that drops the connection,
// once in the middle of a big view. The client runs in Node on the `ws` package's WebSocket.

const TOKEN = 'fault-token-0123456789';
const PODS = 3000;
const SPEC: ViewSpec = { level: 'full' };

/**
 * What the page does with the client (src/renderer/graph/useView.ts, which needs React to run):
 * asks for the view with the key of the one it has, applies the delta, asks again on every
 * revision and after every reconnect (revisions announced while disconnected are lost), one
 * request at a time; a failed request makes the next one ask for the whole view.
 */
class ViewFollower {
  view: ViewGraph | null = null;
  revision = 0;
  whole = 0;
  deltas = 0;
  readonly failures: string[] = [];
  private key?: string;
  private inFlight = false;
  private again = false;

  constructor(private readonly api: WebSocketApi) {}

  ask = (): void => {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    this.again = false;
    const { view, key } = this;
    this.api.request('view.get', { spec: SPEC, ...(key && view ? { base: key } : {}) }).then(
      (update) => {
        this.inFlight = false;
        const next = 'view' in update ? update.view : update.base === key && view ? applyViewDelta(view, update.delta) : null;
        if ('view' in update) this.whole++;
        else this.deltas++;
        if (next) Object.assign(this, { view: next, key: update.key, revision: update.revision });
        else this.key = undefined;
        if (this.again || !next) this.ask();
      },
      (error: Error) => {
        this.inFlight = false;
        this.key = undefined;
        this.failures.push(error.message);
      },
    );
  };
}

describe('the WebSocket client losing its connection (strata serve, API server double)', () => {
  let cluster: TestCluster;
  let live: ReturnType<typeof faultSession>;
  let server: RunningServer;
  let proxy: CuttingProxy;
  const browserWebSocket = globalThis.WebSocket;

  beforeAll(async () => {
    cluster = await startTestCluster({ objects: [...echoCluster(), ...Array.from({ length: PODS }, (_, i) => pod('big', `big-${i}`, { app: `app-${i % 40}`, ip: `10.60.${i >> 8}.${i & 255}` }))] });
    live = faultSession(cluster);
    await live.backend.start();
    await eventually(() => live.status()?.sync === 'synced', 'the first sync', 60_000);
    server = await startStrataServer({ backend: live.backend, rendererDir: '/nonexistent', token: TOKEN });
    const serverPort = Number(new URL(server.url).port);
    proxy = await CuttingProxy.start(serverPort);
    // The page's WebSocket, as a browser sends it: to the proxy, with the Host of the server it stands for.
    globalThis.WebSocket = class extends NodeWebSocket {
      constructor(url: string | URL, protocols?: string | string[], options: ClientOptions = {}) {
        super(url, protocols, { ...options, headers: { ...options.headers, host: `127.0.0.1:${serverPort}` } });
      }
    } as unknown as typeof WebSocket;
  });
  afterAll(async () => {
    globalThis.WebSocket = browserWebSocket;
    await proxy?.close();
    await server?.close();
    await live?.backend.stop();
    await cluster?.close();
  });

  /** The view the server would give a page that loads now. */
  const currentView = async () => {
    const update = await live.backend.handlers['view.get']({ spec: SPEC });
    return 'view' in update ? update : undefined;
  };
  /** Whether the view a page loading now would get shows an object. */
  const serverShows = async (id: string) => (await currentView())?.view.nodes.some((n) => n.id === id) ?? false;
  /** A view with its elements in id order: a delta appends what it adds, a whole view sorts it in. */
  const canonical = (view: ViewGraph | null) => view && JSON.stringify({ ...view, nodes: [...view.nodes].sort((a, b) => a.id.localeCompare(b.id)), edges: [...view.edges].sort((a, b) => a.id.localeCompare(b.id)) });
  const caughtUp = async (follower: ViewFollower) => {
    const current = await currentView();
    return current !== undefined && follower.revision === current.revision && canonical(follower.view) === canonical(current.view);
  };

  it('comes back to the current view after a drop in the middle of a big view and after a drop between views, without a reload', async () => {
    const connection: { connected: boolean; reason?: string }[] = [];
    const api = new WebSocketApi(`ws://127.0.0.1:${proxy.port}/api/ws?token=${TOKEN}`, (connected, reason) => {
      connection.push({ connected, ...(reason ? { reason } : {}) });
      if (connected) follower.ask();
    });
    const follower = new ViewFollower(api);
    try {
      // The first view is big; the network goes away 64 KiB into it.
      proxy.cutAfter(64 * 1024);
      api.on('topology.changed', follower.ask);
      await eventually(() => connection.some((c) => !c.connected), 'the drop');
      const droppedView = follower.failures[0];
      // The cluster changes while the page is cut off.
      for (let i = 0; i < 50; i++) cluster.api.delete('Pod', 'big', `big-${i}`);
      for (let i = 0; i < 50; i++) cluster.api.apply(pod('big', `while-cut-${i}`, { app: 'late', ip: `10.61.0.${i}` }));
      await eventually(async () => (await serverShows('Pod/big/while-cut-49')) && !(await serverShows('Pod/big/big-0')), 'the server to show the changes');
      await eventually(() => caughtUp(follower), 'the client to show the current view after the first drop', 60_000);
      expect(follower.view!.nodes.length).toBeGreaterThan(1000);

      // Connected with a view in hand; the network drops between views, and the cluster changes again.
      const before = { whole: follower.whole, deltas: follower.deltas, drops: connection.filter((c) => !c.connected).length };
      proxy.cutAll();
      await eventually(() => connection.filter((c) => !c.connected).length > before.drops, 'the second drop');
      cluster.api.apply(pod('big', 'while-cut-again', { app: 'late', ip: '10.61.1.1' }));
      cluster.api.delete('Pod', 'big', 'big-100');
      await eventually(async () => (await serverShows('Pod/big/while-cut-again')) && !(await serverShows('Pod/big/big-100')), 'the server to show the changes');
      await eventually(() => caughtUp(follower), 'the client to show the current view after the second drop', 60_000);
      const afterSecond = { whole: follower.whole - before.whole, deltas: follower.deltas - before.deltas };

      // Still the same client and listeners: a change now arrives by the pushed event alone.
      cluster.api.apply(pod('big', 'after-reconnect', { app: 'late', ip: '10.61.2.1' }));
      await eventually(async () => (await caughtUp(follower)) && follower.view!.nodes.some((n) => n.id === 'Pod/big/after-reconnect'), 'the client to follow a change after reconnecting', 60_000);

      reportFigures('WebSocket drops', {
        'view nodes': follower.view!.nodes.length,
        'bytes through the proxy': proxy.bytesFromServer,
        'connections cut': proxy.cuts,
        'reconnects': connection.filter((c) => c.connected).length - 1,
        'whole views received': follower.whole,
        'deltas received': follower.deltas,
        'after the second drop (whole/deltas)': `${afterSecond.whole}/${afterSecond.deltas}`,
      });
      expect(droppedView).toBe('Connection to Strata closed');
      expect(connection.filter((c) => !c.connected).map((c) => c.reason)).toEqual(['Connection to Strata closed', 'Connection to Strata closed']);
      // The page kept the view it had while cut off and asked with its key: the server answers a delta
      // while it still keeps that view (16 of them), else the whole view; either way one answer.
      expect(afterSecond.whole + afterSecond.deltas).toBeGreaterThan(0);
    } finally {
      api.close();
    }
  });
});
