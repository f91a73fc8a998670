import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pod } from '../../src/core/testing/manifests';
import { Recorder } from '../../src/main/store/Recorder';
import { RecordingStore } from '../../src/main/store/RecordingStore';
import { normalizeFlowResponse } from '../../src/core/flows/normalizeFlow';
import { StrataBackend } from '../../src/main/backend/StrataBackend';
import { RecordingSource } from '../../src/main/sources/RecordingSource';
import type { FlowRecord } from '../../src/shared/flows';
import type { Topology } from '../../src/shared/model';
import { relayFlow } from '../doubles/HubbleRelayDouble';
import { runCli } from '../support/runCli';
import { NO_SHARED_REFERENCE, sharedReference } from '../support/sharedReference';
import { tempDir } from '../support/tempDir';

const dir = tempDir();
afterAll(() => dir.remove());
const REFERENCE = sharedReference('hubble-jsonpb-examples.jsonl');
if (!REFERENCE) console.log(NO_SHARED_REFERENCE);

/** jsonpb as `hubble observe -o jsonpb` writes it: proto names, Timestamps as RFC 3339 strings. */
function jsonpbLine(t: number, from: string, to: string, extra: Record<string, unknown> = {}): string {
  const response = relayFlow(t, { ip: from }, { ip: to }, extra) as { flow: Record<string, unknown> };
  return JSON.stringify({ ...response, flow: { ...response.flow, time: new Date(t).toISOString() }, time: new Date(t).toISOString() });
}

describe('the reference hubble observe -o jsonpb lines', () => {
  it.skipIf(!REFERENCE)('read as flows: verdicts, pods, drop reasons and deciding policies', () => {
    const lines = readFileSync(REFERENCE!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    const flowOf = (line: unknown): FlowRecord => {
      const n = normalizeFlowResponse(line);
      if (!('flow' in n)) throw new Error(`not a flow: ${JSON.stringify(n)}`);
      return n.flow;
    };
    const [icmp, xwing, checkout] = lines.map(flowOf);
    expect(icmp).toMatchObject({ verdict: 'DROPPED', protocol: 'ICMPv6', dropReason: 'INVALID_SOURCE_IP', source: { ip: 'fe80::64d8:8aff:fe72:fc14' } });
    expect(xwing).toMatchObject({ verdict: 'DROPPED', protocol: 'TCP', destinationPort: 80, dropReason: 'POLICY_DENIED', source: { namespace: 'default', pod: 'xwing' }, time: Date.parse('2023-08-21T12:12:18.510Z') });
    expect(checkout).toMatchObject({ verdict: 'DROPPED', destinationPort: 8443, source: { namespace: 'shop', pod: 'checkout-7d9c6b5f4-q2xkz', identity: 40211 } });
    expect(checkout.policies.length).toBeGreaterThan(0);
  });
});

describe('strata flows import', () => {
  it.skipIf(!REFERENCE)('imports the reference hubble observe -o jsonpb lines', async () => {
    const db = join(dir.path, 'reference.strata');
    const result = await runCli(['flows', 'import', REFERENCE!, '--db', db]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Imported 3 flows \(3 counted, replies aside\) from .*hubble-jsonpb-examples\.jsonl into .*reference\.strata: 3 buckets from 2023-08-21T12:12:13\.517Z to 2026-03-14T02:13:07\.481Z\.\n$/);
    const store = RecordingStore.open(db, { readonly: true });
    const buckets = store.flowBuckets(0, Date.now());
    store.close();
    expect(buckets.find((b) => b.target === 'Pod/default/deathstar-7848d6c4d5-th9v2')).toMatchObject({ source: 'Pod/default/xwing', verdict: 'DROPPED', dropReason: 'POLICY_DENIED', port: 80, count: 1 });
  });

  it('counts and names bad lines, attributes IPs with the recorded state, and draws the traffic at --at', async () => {
    const db = join(dir.path, 'night.strata');
    const t0 = Date.parse('2026-11-23T02:00:00Z');
    const store = RecordingStore.open(db);
    let now = t0;
    const recorder = new Recorder(store, { context: 'prod', cluster: 'prod', server: 'https://10.0.0.1', namespaces: [] }, { now: () => now });
    recorder.start();
    recorder.record([{ type: 'added', key: '', object: pod('shop', 'web-old', { ip: '10.0.1.5' }) }, { type: 'added', key: '', object: pod('shop', 'client', { ip: '10.0.1.9' }) }]);
    recorder.flush();
    now = t0 + 300_000;
    recorder.record([{ type: 'deleted', key: '', object: pod('shop', 'web-old', { ip: '10.0.1.5' }) }, { type: 'added', key: '', object: pod('shop', 'web-new', { ip: '10.0.1.5' }) }]);
    recorder.stop();
    store.close();

    const lines = [
      jsonpbLine(t0 + 60_000, '10.0.1.9', '10.0.1.5'),
      '{"flow": {"time": ',
      'not json at all',
      jsonpbLine(t0 + 360_000, '10.0.1.9', '10.0.1.5'),
      jsonpbLine(t0 + 361_000, '10.0.1.5', '10.0.1.9', { is_reply: { value: true } }),
      JSON.stringify({ hello: 'world' }),
      'x'.repeat(1024 * 1024 + 10),
      jsonpbLine(t0 + 362_000, '10.0.1.9', '10.0.1.5', { verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED', ingress_denied_by: [{ name: 'deny-web', namespace: 'shop' }] }),
    ];
    dir.write('mixed.jsonl', `${lines.join('\n')}\n`);
    const result = await runCli(['flows', 'import', join(dir.path, 'mixed.jsonl'), '--db', db]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^Imported 4 flows \(3 counted, replies aside\)/);
    expect(result.stderr).toBe(
      [
        'strata: 4 of 8 lines were skipped:',
        '  line 2: not JSON (Unexpected end of JSON input)',
        "  line 3: not JSON (Unexpected token 'o', \"not json at all\" is not valid JSON)",
        '  line 6: no flow, node_status or lost_events',
        '  line 7: longer than 1 MiB',
        '',
      ].join('\n'),
    );

    const at = (minutes: number) => runCli(['graph', '--db', db, '--at', new Date(t0 + minutes * 60_000).toISOString(), '--window', '2m']);
    const early = JSON.parse((await at(2)).stdout) as Topology;
    const late = JSON.parse((await at(7)).stdout) as Topology;
    const observed = (t: Topology) => t.edges.filter((e) => e.type === 'observed').map((e) => `${e.source} -> ${e.target} ${e.observed!.verdict}${e.observed!.policies.length ? ` ${e.observed!.policies}` : ''}`);
    // 10.0.1.5 was web-old at 02:01 and web-new at 02:06: each flow goes to the pod of its time.
    expect(observed(early)).toEqual(['Pod/shop/client -> Pod/shop/web-old FORWARDED']);
    expect(observed(late)).toEqual(['Pod/shop/client -> Pod/shop/web-new DROPPED shop/deny-web', 'Pod/shop/client -> Pod/shop/web-new FORWARDED']);

    // A bundle of the range carries the traffic too.
    const bundle = join(dir.path, 'night-bundle.strata');
    const exported = await runCli(['bundle', 'export', '--db', db, '--from', new Date(t0).toISOString(), '--to', new Date(t0 + 600_000).toISOString(), '-n', 'shop', '--out', bundle]);
    expect(exported.stdout).toMatch(/ and 3 traffic buckets /);
    const fromBundle = JSON.parse((await runCli(['graph', '--db', bundle, '--at', new Date(t0 + 7 * 60_000).toISOString(), '--window', '2m'])).stdout) as Topology;
    expect(observed(fromBundle)).toEqual(observed(late));
  });

  it('says clearly when a file is empty or not JSON lines at all', async () => {
    const db = join(dir.path, 'other.strata');
    dir.write('empty.jsonl', '');
    expect(await runCli(['flows', 'import', join(dir.path, 'empty.jsonl'), '--db', db])).toMatchObject({ code: 1, stderr: `strata: ${join(dir.path, 'empty.jsonl')} is empty: there are no flows to import.\n` });
    dir.write('config.yaml', Array.from({ length: 30 }, (_, i) => `key${i}: value`).join('\n'));
    const yaml = await runCli(['flows', 'import', join(dir.path, 'config.yaml'), '--db', db]);
    expect(yaml.code).toBe(1);
    expect(yaml.stderr).toMatch(/^strata: .*config\.yaml is not a file of JSON lines from hubble observe -o jsonpb: its first 20 lines are not flows \(line 1: not JSON/);
  });
});

describe('File → Import flows (the flows.import request)', () => {
  it('imports into the opened recording and shows its end with the traffic drawn', async () => {
    const db = join(dir.path, 'opened.strata');
    const t0 = Date.parse('2026-11-23T03:00:00Z');
    const store = RecordingStore.open(db);
    let now = t0;
    const recorder = new Recorder(store, { context: 'prod', cluster: 'prod', server: 'https://10.0.0.1', namespaces: [] }, { now: () => now });
    recorder.start();
    recorder.record([{ type: 'added', key: '', object: pod('shop', 'a', { ip: '10.0.2.1' }) }, { type: 'added', key: '', object: pod('shop', 'b', { ip: '10.0.2.2' }) }]);
    now = t0 + 120_000;
    recorder.stop();
    store.close();
    dir.write('opened.jsonl', `${[jsonpbLine(t0 + 60_000, '10.0.2.1', '10.0.2.2'), 'garbage'].join('\n')}\n`);

    const backend = new StrataBackend(new RecordingSource(db));
    await backend.start();
    try {
      const summary = await backend.handlers['flows.import']({ path: join(dir.path, 'opened.jsonl') });
      expect(summary).toEqual({ flows: 1, lines: 2, badLines: 1, firstBad: [{ line: 2, reason: "not JSON (Unexpected token 'g', \"garbage\" is not valid JSON)" }], buckets: 1 });
      const { topology } = await backend.handlers['topology.get']({});
      expect(topology.edges.filter((e) => e.type === 'observed').map((e) => `${e.source} -> ${e.target}`)).toEqual(['Pod/shop/a -> Pod/shop/b']);
      await expect(backend.handlers['flows.import']({ path: join(dir.path, 'missing.jsonl') })).rejects.toThrow(`${join(dir.path, 'missing.jsonl')} cannot be read (ENOENT).`);
    } finally {
      await backend.stop();
    }
  });
});
