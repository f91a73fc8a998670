import { request } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiServerDouble } from './KubeApiServerDouble';
import { makeTestPki, type TestPki } from './testPki';

// The API server DOUBLE's scripted faults and the truth it keeps for fault tests, checked with
// plain node:https. No real cluster is involved.

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'c:1' }] } });

describe('Kubernetes API server double: scripted faults (test double, not a real cluster)', () => {
  let pki: TestPki;
  let api: KubeApiServerDouble;

  beforeAll(async () => {
    pki = await makeTestPki();
  });
  afterAll(() => pki.remove());
  afterEach(async () => {
    await api?.close();
  });

  const start = async () => (api = await KubeApiServerDouble.start({ tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert }, tokens: { t: 'jane' } }));

  /** A GET that resolves with its status, or with the error's code when the connection fails or `timeoutMs` passes. */
  const get = (path: string, timeoutMs = 5000) =>
    new Promise<number | string>((resolve) => {
      const req = request(`${api.url}${path}`, { ca: pki.ca.cert, headers: { authorization: 'Bearer t' }, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.end();
    });

  const until = async (check: () => boolean, what: string) => {
    for (const deadline = Date.now() + 10_000; !check(); await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    }
  };

  it('answers late by the latency set, and counts the requests in flight meanwhile', async () => {
    await start();
    api.faults.latencyMs = 300;
    const answers = Promise.all([get('/api/v1/pods'), get('/api/v1/services'), get('/version')]);
    await until(() => api.faults.requestsInFlight === 3, 'three requests in flight');
    expect(await answers).toEqual([200, 200, 200]);
    expect(api.faults.requestsInFlight).toBe(0);
    expect(api.faults.peakRequestsInFlight).toBe(3);
  });

  it('never answers a hung request, and stops counting it when the client gives up', async () => {
    await start();
    const release = api.faults.add((r) => (r.resource === 'pods' ? { kind: 'hang' } : undefined));
    expect(await get('/api/v1/pods', 300)).toBe('TIMEOUT');
    await until(() => api.faults.requestsInFlight === 0, 'the abandoned request to leave the count');
    expect(api.requests.at(-1)).toMatchObject({ resource: 'pods', status: 0 });
    expect(await get('/api/v1/services')).toBe(200);
    release();
    expect(await get('/api/v1/pods')).toBe(200);
  });

  it('resets a connection without an answer', async () => {
    await start();
    api.faults.add(() => ({ kind: 'reset' }));
    expect(await get('/api/v1/pods')).toBe('ECONNRESET');
  });

  it('accepts connections and says nothing at all, not even a TLS handshake, while a black hole', async () => {
    await start();
    api.faults.acceptButNeverAnswer = true;
    const port = Number(new URL(api.url).port);
    let handshaken = false;
    const socket = tlsConnect({ port, host: '127.0.0.1', ca: pki.ca.cert }, () => (handshaken = true));
    socket.on('error', () => undefined);
    await until(() => api.faults.heldConnections === 1, 'the connection to be held');
    expect(handshaken).toBe(false);
    socket.destroy();
    await until(() => api.faults.heldConnections === 0, 'the held connection to close');
    api.faults.acceptButNeverAnswer = false;
    expect(await get('/version')).toBe(200);
  });

  it('restarts on the same port: refused while down, the same objects and history after', async () => {
    await start();
    api.apply(pod('kept'));
    const url = api.url;
    const rv = api.resourceVersion;
    await api.stop();
    expect(await get('/version')).toBe('ECONNREFUSED');
    await api.resume();
    expect(api.url).toBe(url);
    expect(await get('/api/v1/namespaces/default/pods/kept')).toBe(200);
    // A watch from the old resourceVersion is replayed, not refused: nothing was compacted.
    expect(await get(`/api/v1/pods?watch=1&resourceVersion=${rv - 1}&timeoutSeconds=1`)).toBe(200);
    expect(api.requests.at(-1)!.watchError).toBeUndefined();
  });

  it('keeps the truth a fault test measures against: a log of every write, every object\'s version, the 410s and list versions it served', async () => {
    await start();
    const log = api.logChanges();
    api.apply(pod('a'));
    api.apply(pod('a'));
    api.delete('Pod', 'default', 'a');
    api.apply(pod('b'));
    log.stop();
    api.apply(pod('c'));
    expect(log.changes.map((c) => `${c.type} ${c.kind}/${c.namespace}/${c.name}@${c.resourceVersion}`)).toEqual(['ADDED Pod/default/a@2', 'MODIFIED Pod/default/a@3', 'DELETED Pod/default/a@4', 'ADDED Pod/default/b@5']);
    expect([...api.objectVersions()]).toEqual([['Pod/default/b', 5], ['Pod/default/c', 6]]);

    expect(await get('/api/v1/pods?limit=1')).toBe(200);
    expect(api.requests.at(-1)!.listResourceVersion).toBe(6);
    api.compact();
    expect(await get('/api/v1/pods?watch=1&resourceVersion=3')).toBe(200);
    expect(api.requests.at(-1)!.watchError).toBe(410);
  });
});
