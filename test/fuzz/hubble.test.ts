/**
 * Fuzz: what Hubble sends. `hubble observe -o jsonpb` lines with wrong types, cut short or
 * replaced by noise are counted and named as bad lines by `strata flows import`; GetFlows frames
 * of random or bit-flipped bytes are skipped with a reason. Neither ever throws anything else.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadObserverService } from '../../src/main/flows/hubbleProto';
import { decodeFlowResponse } from '../../src/main/flows/hubbleWire';
import { FlowImportError, importFlows } from '../../src/main/flows/importFlows';
import { RecordingStore } from '../../src/main/store/RecordingStore';
import { timestamp } from '../doubles/HubbleRelayDouble';
import { NO_SHARED_REFERENCE, sharedReference } from '../support/sharedReference';
import { expectSentenceNaming, FUZZ, pathsOf, strangeValue, withValueAt, type Json } from './fuzzing';

const dir = mkdtempSync(join(tmpdir(), 'strata-fuzz-hubble-'));
const store = RecordingStore.open(join(dir, 'flows.strata'));
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const REFERENCE = sharedReference('hubble-jsonpb-examples.jsonl');
const referenceLines = REFERENCE ? readFileSync(REFERENCE, 'utf8').split('\n').filter(Boolean) : ['{}'];
const referenceJson = referenceLines.map((line) => JSON.parse(line) as Json);

const mutatedLine = fc.constantFrom(...referenceJson).chain((json) =>
  fc.array(fc.tuple(fc.constantFrom(...pathsOf(json)), fc.option(strangeValue, { nil: undefined, freq: 4 })), { minLength: 1, maxLength: 4 }).map((edits) => JSON.stringify(edits.reduce<Json>((value, [path, replacement]) => withValueAt(value, path, replacement), json))),
);
const damagedLine = fc.oneof(
  mutatedLine,
  fc.constantFrom(...referenceLines).chain((line) => fc.nat(line.length).map((n) => line.slice(0, n))),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
);

describe.skipIf(!REFERENCE)(`hubble observe -o jsonpb lines${REFERENCE ? '' : ` (${NO_SHARED_REFERENCE})`}`, () => {
  it('with wrong types, cut short or noise are imported or named as bad lines', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(damagedLine, { minLength: 1, maxLength: 30 }), async (lines) => {
        const text = [...lines, ...referenceLines].join('\n');
        const report = await importFlows(Readable.from(text), 'flows.jsonl', store).catch((error: unknown) => {
          expect(error).toBeInstanceOf(FlowImportError);
          expectSentenceNaming(error, 'flows.jsonl');
          return undefined;
        });
        if (!report) return;
        // Every line is accounted for: a flow, a notice, or a bad line with its reason (lines end as readline ends them, a lone \r included).
        const nonBlank = text.split(/\r\n|\n|\r/).filter((line) => line.trim() !== '').length;
        expect(report.flows + report.badLines + report.notices.length).toBe(nonBlank);
        for (const bad of report.firstBad) expect(bad.reason, bad.reason).not.toMatch(/\n|\bundefined\b|\[object Object\]/);
      }),
      { ...FUZZ, examples: [[['\u0000\r\u0000']]] },
    );
  });

  it('that once broke the import (a port of -5e-324, a time past any Date) are imported', async () => {
    const flow = referenceJson[2] as { flow: Record<string, Json> };
    const lines = [
      withValueAt(flow, ['flow', 'l4', 'TCP', 'destination_port'], -5e-324),
      withValueAt(flow, ['flow', 'time'], { seconds: 1e300, nanos: 'x' }),
      withValueAt(flow, ['flow', 'source', 'identity'], 1.5),
    ].map((json) => JSON.stringify(json));
    const report = await importFlows(Readable.from(lines.join('\n')), 'regressions.jsonl', store);
    expect(report.flows).toBe(lines.length);
  });

  it('that are all noise fail with a sentence naming the file', async () => {
    const noise = Array.from({ length: 25 }, (_, i) => `not a flow ${i}`).join('\n');
    const failure = await importFlows(Readable.from(noise), 'noise.txt', store).catch((error: unknown) => error);
    expectSentenceNaming(failure, 'noise.txt');
  });
});

describe('GetFlows frames', () => {
  const method = loadObserverService().service.GetFlows;
  const decodeGeneric = (bytes: Uint8Array) => method.responseDeserialize(Buffer.from(bytes));
  const frames = [
    { flow: { time: timestamp(1795400000123), verdict: 'DROPPED', IP: { source: '10.0.0.1', destination: '10.0.0.2' }, l4: { TCP: { source_port: 51234, destination_port: 8443 } }, source: { namespace: 'shop', pod_name: 'checkout-1', labels: ['k8s:app=checkout'] }, destination: { namespace: 'payments', pod_name: 'api-1' }, drop_reason_desc: 'POLICY_DENIED', ingress_denied_by: [{ name: 'default-deny', namespace: 'payments' }] }, node_name: 'prod/node-a', time: timestamp(1795400000123) },
    { node_status: { state_change: 'NODE_CONNECTED', node_names: ['prod/node-a'], message: 'connected' }, time: timestamp(1795400000200) },
    { lost_events: { source: 'HUBBLE_RING_BUFFER', num_events_lost: '42' }, time: timestamp(1795400000300) },
  ].map((response) => new Uint8Array(method.responseSerialize(response)));

  const damagedFrame = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.constantFrom(...frames).chain((frame) => fc.nat(frame.length).map((n) => frame.slice(0, n))),
    fc.constantFrom(...frames).chain((frame) =>
      fc.array(fc.tuple(fc.nat(frame.length - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }).map((flips) => {
        const bytes = frame.slice();
        for (const [at, bit] of flips) bytes[at] ^= 1 << bit;
        return bytes;
      }),
    ),
  );

  it('of random, cut-short or bit-flipped bytes are read or skipped with a reason', () => {
    fc.assert(
      fc.property(damagedFrame, (bytes) => {
        const result = decodeFlowResponse(bytes, decodeGeneric);
        if ('flow' in result) expect(Number.isFinite(result.flow.time)).toBe(true);
        if ('skip' in result) expect(result.skip, result.skip).not.toMatch(/\n|\bundefined\b|\[object Object\]/);
      }),
      FUZZ,
    );
  });

  it('that are whole are read', () => {
    expect(frames.map((bytes) => Object.keys(decodeFlowResponse(bytes, decodeGeneric))[0])).toEqual(['flow', 'notice', 'notice']);
  });
});
