import protobuf from 'protobufjs/minimal.js';
import { DROP_REASONS, normalizeFlowResponse, RESERVED_IDENTITIES, VERDICTS, type NormalizedResponse } from '../../core/flows/normalizeFlow';
import type { FlowEndpoint, FlowRecord } from '../../shared/flows';

/**
 * A direct reader of GetFlowsResponse bytes into FlowRecords, for the Relay stream's hot path:
 * it reads the fields Strata uses (field numbers from resources/proto) and skips the rest, without
 * building the intermediate message objects a generic decoder makes. Replies with node status or
 * lost events, and anything unusual, go through the generic decoder and normaliser instead.
 */
const { Reader } = protobuf;
type ReaderT = InstanceType<typeof Reader>;

const PROTOCOLS = ['', 'TCP', 'UDP', 'ICMPv4', 'ICMPv6', 'SCTP'];

function timestamp(r: ReaderT, end: number): number {
  let seconds = 0;
  let nanos = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) seconds = Number(r.int64());
    else if (tag >>> 3 === 2) nanos = r.int32();
    else r.skipType(tag & 7);
  }
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

function endpoint(r: ReaderT, end: number, out: FlowEndpoint): void {
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 2:
        out.identity = r.uint32();
        break;
      case 3:
        out.namespace = r.string() || undefined;
        break;
      case 4: {
        // Labels are only read for a reserved identity; most endpoints have identities above 255.
        if (out.identity !== undefined && out.identity > 255) {
          r.skipType(tag & 7);
          break;
        }
        const label = r.string();
        if (label.startsWith('reserved:')) out.reserved = label.slice(9) as FlowEndpoint['reserved'];
        break;
      }
      case 5:
        out.pod = r.string() || undefined;
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  if (!out.namespace) delete out.namespace;
  if (!out.pod) delete out.pod;
  if (!out.reserved && out.identity !== undefined && RESERVED_IDENTITIES[out.identity]) out.reserved = RESERVED_IDENTITIES[out.identity];
}

function policyName(r: ReaderT, end: number): string {
  let name = '';
  let namespace = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) name = r.string();
    else if (tag >>> 3 === 2) namespace = r.string();
    else r.skipType(tag & 7);
  }
  return namespace ? `${namespace}/${name}` : name;
}

/** Shared empty list: most flows name no policy, and need not allocate one. */
const NONE = Object.freeze([]) as unknown as string[];

function flow(r: ReaderT, end: number): FlowRecord {
  const record: FlowRecord = { time: 0, verdict: 'VERDICT_UNKNOWN', protocol: 'unknown', source: {}, destination: {}, policies: NONE };
  let verdict = 0;
  let allowed: string[] = NONE;
  let denied: string[] = NONE;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    switch (field) {
      case 1:
        record.time = timestamp(r, r.uint32() + r.pos);
        break;
      case 2:
        verdict = r.int32();
        break;
      case 5: {
        const ipEnd = r.uint32() + r.pos;
        while (r.pos < ipEnd) {
          const t = r.uint32();
          if (t >>> 3 === 1) record.source.ip = r.string() || undefined;
          else if (t >>> 3 === 2) record.destination.ip = r.string() || undefined;
          else r.skipType(t & 7);
        }
        break;
      }
      case 6: {
        const l4End = r.uint32() + r.pos;
        while (r.pos < l4End) {
          const t = r.uint32();
          const protocol = PROTOCOLS[t >>> 3];
          if (!protocol) {
            r.skipType(t & 7);
            continue;
          }
          record.protocol = protocol;
          const bodyEnd = r.uint32() + r.pos;
          while (r.pos < bodyEnd) {
            const p = r.uint32();
            if (protocol.startsWith('ICMP')) r.skipType(p & 7);
            else if (p >>> 3 === 1) record.sourcePort = r.uint32();
            else if (p >>> 3 === 2) record.destinationPort = r.uint32();
            else r.skipType(p & 7);
          }
        }
        break;
      }
      case 8:
        endpoint(r, r.uint32() + r.pos, record.source);
        break;
      case 9:
        endpoint(r, r.uint32() + r.pos, record.destination);
        break;
      case 11:
        record.node = r.string();
        break;
      case 13:
        (record.source.names ??= []).push(r.string());
        break;
      case 14:
        (record.destination.names ??= []).push(r.string());
        break;
      case 21: {
        const serviceEnd = r.uint32() + r.pos;
        const service = { name: '', namespace: '' };
        while (r.pos < serviceEnd) {
          const t = r.uint32();
          if (t >>> 3 === 1) service.name = r.string();
          else if (t >>> 3 === 2) service.namespace = r.string();
          else r.skipType(t & 7);
        }
        if (service.name) record.destinationService = service;
        break;
      }
      case 25: {
        const reason = r.int32();
        if (reason) record.dropReason = DROP_REASONS[reason] ?? `DROP_REASON_${reason}`;
        break;
      }
      case 26: {
        const boolEnd = r.uint32() + r.pos;
        record.isReply = false;
        while (r.pos < boolEnd) {
          const t = r.uint32();
          if (t >>> 3 === 1) record.isReply = r.bool();
          else r.skipType(t & 7);
        }
        break;
      }
      case 34:
        record.uuid = r.string();
        break;
      case 21001:
      case 21002:
        if (allowed === NONE) allowed = [];
        allowed.push(policyName(r, r.uint32() + r.pos));
        break;
      case 21004:
      case 21005:
        if (denied === NONE) denied = [];
        denied.push(policyName(r, r.uint32() + r.pos));
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  record.verdict = VERDICTS[verdict] ?? `VERDICT_${verdict}`;
  const deciding = record.verdict === 'DROPPED' ? denied : allowed;
  if (deciding.length) record.policies = deciding.length === 1 ? deciding : [...new Set(deciding)];
  if (record.source.ip === undefined) delete record.source.ip;
  if (record.destination.ip === undefined) delete record.destination.ip;
  return record;
}

/**
 * Reads one GetFlowsResponse. Returns undefined for node_status and lost_events, which the caller
 * decodes the generic way (they are rare); a flow comes back as a FlowRecord.
 */
export function readFlowResponse(bytes: Uint8Array): NormalizedResponse | undefined {
  const r = Reader.create(bytes);
  let result: FlowRecord | undefined;
  let responseTime: number | undefined;
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1) result = flow(r, r.uint32() + r.pos);
    else if (field === 2 || field === 3) return undefined;
    else if (field === 1001) responseTime = timestamp(r, r.uint32() + r.pos);
    else r.skipType(tag & 7);
  }
  if (!result) return { skip: 'no flow, node_status or lost_events' };
  if (!result.time && responseTime) result.time = responseTime;
  return { flow: result };
}

/**
 * One GetFlowsResponse frame, whatever it holds. A frame that is not a valid message (a Relay
 * bug, a proxy mangling the stream) is skipped with its reason, never thrown: the stream goes on.
 */
export function decodeFlowResponse<Bytes extends Uint8Array>(bytes: Bytes, decodeGeneric: (bytes: Bytes) => unknown): NormalizedResponse | { skip: string; malformed: true } {
  try {
    return readFlowResponse(bytes) ?? normalizeFlowResponse(decodeGeneric(bytes));
  } catch (error) {
    return { skip: `a frame that is not a GetFlowsResponse (${(error as Error).message.split('\n')[0]})`, malformed: true };
  }
}
