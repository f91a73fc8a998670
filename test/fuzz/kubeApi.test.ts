/**
 * Fuzz: what an API server sends to a watcher. List pages and watch lines cut short, of wrong
 * types, of unknown kinds or absurd size come from a scripted server over real HTTP; the watcher
 * never throws out of its loop, hands on only well-formed objects, and when it retries, says why
 * in one sentence.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backoff } from '../../src/main/cluster/backoff';
import { KubeApiClient } from '../../src/main/cluster/KubeApiClient';
import { ResourceWatcher } from '../../src/main/cluster/ResourceWatcher';
import { WATCHED_RESOURCES } from '../../src/main/cluster/resources';
import type { ObjectChange } from '../../src/shared/kube';
import { NO_SHARED_REFERENCE, sharedReference } from '../support/sharedReference';
import { FUZZ, pathsOf, strangeValue, withValueAt, type Json } from './fuzzing';

const WIRE = sharedReference('kube-api-wire');
const page = (WIRE ? JSON.parse(readFileSync(join(WIRE, 'list-pods-page1.json'), 'utf8')) : { items: [{}] }) as { items: Json[] } & Record<string, Json>;
const events = WIRE ? readFileSync(join(WIRE, 'watch-pods.jsonl'), 'utf8').split('\n').filter(Boolean) : ['{}'];
const pod = page.items[0];
const PODS = WATCHED_RESOURCES.find((r) => r.kind === 'Pod' && !r.group)!;

/** What the server answers: the list's body, then the watch's lines (the stream then ends). */
interface Script {
  list: string;
  watch: string[];
}
let script: Script = { list: '{}', watch: [] };
let requests = 0;
let server: Server;
let client: KubeApiClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests += 1;
    const watch = new URL(req.url!, 'http://x').searchParams.get('watch') === '1';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(watch ? script.watch.map((line) => `${line}\n`).join('') : script.list);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const config = new KubeConfig();
  const serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  config.loadFromOptions({ clusters: [{ name: 'fuzz', server: serverUrl, skipTLSVerify: true }], users: [{ name: 'fuzz' }], contexts: [{ name: 'fuzz', cluster: 'fuzz', user: 'fuzz' }], currentContext: 'fuzz' });
  client = new KubeApiClient(config);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const mutatedPod: fc.Arbitrary<Json> = fc.array(fc.tuple(fc.constantFrom(...pathsOf(pod)), fc.option(strangeValue, { nil: undefined, freq: 4 })), { minLength: 1, maxLength: 3 }).map((edits) => edits.reduce<Json>((value, [path, replacement]) => withValueAt(value, path, replacement), pod));

const listBody: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.oneof(mutatedPod, fc.constant(pod)), { maxLength: 5 }).map((items) => JSON.stringify({ ...page, metadata: { resourceVersion: '100' }, items })),
  fc.nat(JSON.stringify(page).length).map((n) => JSON.stringify(page).slice(0, n)),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.record({ items: strangeValue, metadata: strangeValue }).map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 100 }),
);

const watchLine: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'), mutatedPod).map(([type, object]) => JSON.stringify({ type, object })),
  fc.constantFrom(...events),
  fc.constantFrom(...events).chain((line) => fc.nat(line.length - 1).map((n) => line.slice(0, n))),
  fc.record({ type: strangeValue, object: strangeValue }).map((value) => JSON.stringify(value)),
  fc.record({ type: fc.constant('ERROR'), object: fc.record({ code: strangeValue, message: strangeValue }) }).map((value) => JSON.stringify(value)),
  fc.constant(JSON.stringify({ type: 'ADDED', object: { kind: 'Unknown', apiVersion: 'x/v9', metadata: { name: 'u', namespace: 'n' } } })),
);

/** Runs a watcher against the script until the server has answered `answers` more requests. */
async function watchScript(answers: number): Promise<{ watcher: ResourceWatcher; changes: ObjectChange[] }> {
  const changes: ObjectChange[] = [];
  const watcher = new ResourceWatcher(client, PODS, undefined, { changed: (_, c) => changes.push(...c), phaseChanged: () => {} }, { backoff: new Backoff(1, 5), watchTimeoutSeconds: () => 1, pageSize: 50 });
  const until = requests + answers;
  watcher.start();
  // A guard against a watcher that stops asking, not a speed check.
  const deadline = Date.now() + 90_000;
  while (requests < until && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  await watcher.stop();
  expect(requests, 'the watcher kept asking after what it was sent').toBeGreaterThanOrEqual(until);
  return { watcher, changes };
}

describe.skipIf(!WIRE)(`list pages and watch lines from the API server${WIRE ? '' : ` (${NO_SHARED_REFERENCE})`}`, () => {
  it('cut short, of wrong types or unknown kinds: only well-formed objects reach the cache, and a retry says why', async () => {
    await fc.assert(
      fc.asyncProperty(listBody, fc.array(watchLine, { maxLength: 8 }), async (list, watch) => {
        script = { list, watch };
        const { watcher, changes } = await watchScript(4);
        for (const change of changes) {
          expect(change.object.kind).toBe('Pod');
          expect(typeof change.object.metadata.name).toBe('string');
        }
        for (const object of watcher.objects.values()) expect(object.kind).toBe('Pod');
        if (watcher.error) expect(watcher.error.message, watcher.error.message).not.toMatch(/\n|\bundefined\b|\[object Object\]/);
      }),
      { ...FUZZ, numRuns: Math.max(30, Math.round(FUZZ.numRuns! / 2)) },
    );
  });

  it('one malformed pod in a list does not keep the other pods out', async () => {
    const broken = withValueAt(pod, ['metadata', 'name'], undefined);
    script = { list: JSON.stringify({ ...page, metadata: { resourceVersion: '100' }, items: [broken, ...page.items.slice(1)] }), watch: [] };
    const { watcher } = await watchScript(3);
    expect(watcher.objects.size).toBe(page.items.length - 1);
  });

  it('of absurd size (a 20 MB object) are read or refused without a crash', async () => {
    const huge = withValueAt(pod, ['metadata', 'annotations'], { blob: 'x'.repeat(20 * 1024 * 1024) });
    script = { list: JSON.stringify({ ...page, metadata: { resourceVersion: '100' }, items: [huge] }), watch: [JSON.stringify({ type: 'MODIFIED', object: huge })] };
    const { watcher } = await watchScript(3);
    expect(watcher.objects.size).toBe(1);
  });
});
