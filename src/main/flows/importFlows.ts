import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { EndpointIndex } from '../../core/flows/EndpointIndex';
import { BUCKET_MS, FlowAggregator } from '../../core/flows/FlowAggregator';
import { normalizeFlowResponse } from '../../core/flows/normalizeFlow';
import type { FlowNotice } from '../../shared/flows';
import type { RecordingStore } from '../store/RecordingStore';

/** Longer lines are not a flow (a flow line is a few kilobytes); they are skipped, not parsed. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** How many bad lines the report names; the rest are counted. */
const BAD_LINES_SHOWN = 10;
/** This many bad lines at the start, and no good one, means the file is not jsonpb at all. */
const NOT_JSONPB_AFTER = 20;

export class FlowImportError extends Error {}

export interface FlowImportReport {
  lines: number;
  flows: number;
  /** Flows counted into buckets (requests; replies are not counted twice). */
  counted: number;
  notices: FlowNotice[];
  badLines: number;
  /** The first bad lines, with their numbers and what is wrong. */
  firstBad: { line: number; reason: string }[];
  buckets: number;
  span?: { from: number; to: number };
}

/**
 * Imports `hubble observe -o jsonpb` lines into a recording: each flow is attributed with the
 * cluster state recorded at its own time (IPs are reused after restarts), counted into buckets,
 * and stored. A bad line is counted and reported with its number; it never aborts the import.
 */
export async function importFlows(input: Readable, name: string, store: RecordingStore): Promise<FlowImportReport> {
  const report: FlowImportReport = { lines: 0, flows: 0, counted: 0, notices: [], badLines: 0, firstBad: [], buckets: 0 };
  const aggregator = new FlowAggregator();
  let index: EndpointIndex | undefined;
  let indexBucket = Number.NaN;
  const bad = (line: number, reason: string) => {
    report.badLines += 1;
    if (report.firstBad.length < BAD_LINES_SHOWN) report.firstBad.push({ line, reason });
    if (report.flows === 0 && report.notices.length === 0 && report.badLines >= NOT_JSONPB_AFTER) {
      throw new FlowImportError(`${name} is not a file of JSON lines from hubble observe -o jsonpb: its first ${NOT_JSONPB_AFTER} lines are not flows (line 1: ${report.firstBad[0].reason}).`);
    }
  };

  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const text of lines) {
    report.lines += 1;
    const n = report.lines;
    if (text.trim() === '') continue;
    if (Buffer.byteLength(text) > MAX_LINE_BYTES) {
      bad(n, `longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB`);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      bad(n, `not JSON (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    const result = normalizeFlowResponse(parsed);
    if ('skip' in result) {
      bad(n, result.skip);
      continue;
    }
    if ('notice' in result) {
      report.notices.push(result.notice);
      continue;
    }
    const flow = result.flow;
    report.flows += 1;
    // The state recorded at the flow's bucket: who held each IP then.
    const bucket = flow.time - (flow.time % BUCKET_MS);
    if (bucket !== indexBucket) {
      index = new EndpointIndex(store.stateAt(bucket + BUCKET_MS - 1).values());
      indexBucket = bucket;
    }
    aggregator.add(flow, index!);
    report.span = report.span ? { from: Math.min(report.span.from, flow.time), to: Math.max(report.span.to, flow.time) } : { from: flow.time, to: flow.time };
  }
  if (report.lines === 0) throw new FlowImportError(`${name} is empty: there are no flows to import.`);
  if (report.flows === 0 && report.notices.length === 0) throw new FlowImportError(`${name} holds no flows: ${report.badLines} line${report.badLines === 1 ? ' is' : 's are'} not Hubble flows (line ${report.firstBad[0]?.line}: ${report.firstBad[0]?.reason}).`);
  const buckets = aggregator.drain();
  report.counted = aggregator.counted;
  report.buckets = buckets.length;
  store.appendFlows(buckets, report.notices);
  return report;
}
