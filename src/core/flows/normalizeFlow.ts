import type { FlowEndpoint, FlowNotice, FlowRecord } from '../../shared/flows';

/**
 * Reads one Hubble GetFlowsResponse, either a `hubble observe -o jsonpb` line or a message
 * decoded from gRPC with proto field names, into a FlowRecord or a notice. Both carry the same
 * names; they differ in encodings (enum names or numbers, uint64 as strings, Timestamps as RFC 3339
 * strings or {seconds, nanos}), which are read here once.
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A google.protobuf.Timestamp in either encoding, in milliseconds. */
export function timestampMs(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (isObject(value)) {
    const seconds = Number(value.seconds ?? 0);
    const nanos = Number(value.nanos ?? 0);
    const ms = seconds * 1000 + (Number.isFinite(nanos) ? Math.floor(nanos / 1e6) : 0);
    // Past what a Date can hold is not a time (a bit flip, a wrong type).
    if (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15) return ms;
  }
  return undefined;
}

/** Hubble's enums by number, shared with the Relay stream's direct reader. */
export const VERDICTS = ['VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];
export const DROP_REASONS: Record<number, string> = { 133: 'POLICY_DENIED', 158: 'SERVICE_BACKEND_NOT_FOUND', 181: 'POLICY_DENY', 189: 'AUTH_REQUIRED' };
/** Cilium's reserved identity numbers. */
export const RESERVED_IDENTITIES: Record<number, FlowEndpoint['reserved']> = { 1: 'host', 2: 'world', 4: 'health', 6: 'remote-node', 7: 'kube-apiserver', 8: 'ingress', 9: 'world', 10: 'world' };

function enumName(value: unknown, names: readonly string[] | Record<number, string>, fallback: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return (names as Record<number, string>)[value] ?? `${fallback}_${value}`;
  return (names as Record<number, string>)[0] ?? fallback;
}

function endpoint(raw: unknown, ip: unknown, names: unknown): FlowEndpoint {
  const out: FlowEndpoint = {};
  if (typeof ip === 'string' && ip) out.ip = ip;
  if (!isObject(raw)) return out;
  if (typeof raw.namespace === 'string' && raw.namespace) out.namespace = raw.namespace;
  if (typeof raw.pod_name === 'string' && raw.pod_name) out.pod = raw.pod_name;
  const identity = raw.identity === undefined ? undefined : Number(raw.identity);
  if (identity !== undefined && Number.isSafeInteger(identity) && identity >= 0) out.identity = identity;
  // Labels only matter for a reserved identity; this runs for every flow, so no copies.
  let reserved: FlowEndpoint['reserved'];
  if (Array.isArray(raw.labels)) {
    for (const label of raw.labels) {
      if (typeof label === 'string' && label.startsWith('reserved:')) {
        reserved = label.slice(9) as FlowEndpoint['reserved'];
        break;
      }
    }
  }
  reserved ??= identity !== undefined ? RESERVED_IDENTITIES[identity] : undefined;
  if (reserved) out.reserved = reserved;
  if (Array.isArray(names) && names.length) out.names = names.filter((n): n is string => typeof n === 'string');
  return out;
}

const NO_POLICIES: string[] = [];

function policyNames(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) return NO_POLICIES;
  return value.filter(isObject).map((p) => (typeof p.namespace === 'string' && p.namespace ? `${p.namespace}/${p.name}` : String(p.name)));
}

const PROTOCOLS = ['TCP', 'UDP', 'SCTP', 'ICMPv4', 'ICMPv6'];

/** A port, or 0 for none: anything but an integer from 1 to 65535 is not a port. */
function portNumber(value: unknown): number {
  const port = Number(value);
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : 0;
}

/** Sets protocol and ports on the record from Hubble's `l4` oneof. */
function readLayer4(l4: unknown, record: FlowRecord): void {
  if (!isObject(l4)) return;
  for (const protocol of PROTOCOLS) {
    const body = l4[protocol];
    if (!isObject(body)) continue;
    record.protocol = protocol;
    const sourcePort = portNumber(body.source_port);
    const destinationPort = portNumber(body.destination_port);
    if (sourcePort) record.sourcePort = sourcePort;
    if (destinationPort) record.destinationPort = destinationPort;
    return;
  }
}

export type NormalizedResponse = { flow: FlowRecord } | { notice: FlowNotice } | { skip: string };

export function normalizeFlowResponse(response: unknown): NormalizedResponse {
  if (!isObject(response)) return { skip: 'not an object' };
  if (isObject(response.lost_events)) {
    const time = timestampMs(response.time);
    const lost = response.lost_events;
    return { notice: { t: time ?? timestampMs(lost.last) ?? 0, kind: 'lost-events', message: `Hubble lost ${Number.isSafeInteger(Number(lost.num_events_lost)) ? Number(lost.num_events_lost) : 'some'} events (${enumName(lost.source, ['UNKNOWN_LOST_EVENT_SOURCE', 'PERF_EVENT_RING_BUFFER', 'OBSERVER_EVENTS_QUEUE', 'HUBBLE_RING_BUFFER'], 'SOURCE')}): the traffic shown is incomplete.` } };
  }
  if (isObject(response.node_status)) {
    const time = timestampMs(response.time);
    const status = response.node_status;
    const state = enumName(status.state_change, ['UNKNOWN_NODE_STATE', 'NODE_CONNECTED', 'NODE_UNAVAILABLE', 'NODE_GONE', 'NODE_ERROR'], 'NODE_STATE');
    const nodes = Array.isArray(status.node_names) ? status.node_names.join(', ') : '';
    return { notice: { t: time ?? 0, kind: 'node-status', message: `Hubble node ${nodes}: ${state}${typeof status.message === 'string' && status.message ? ` (${status.message})` : ''}` } };
  }
  const flow = response.flow;
  if (!isObject(flow)) return { skip: 'no flow, node_status or lost_events' };
  // The flow's own time is the one that matters; the response's is a fallback, parsed only when needed.
  const flowTime = timestampMs(flow.time) ?? timestampMs(response.time);
  if (flowTime === undefined) return { skip: 'flow without a time' };
  const ip = isObject(flow.IP) ? flow.IP : {};
  const verdict = enumName(flow.verdict, VERDICTS, 'VERDICT');
  const dropped = verdict === 'DROPPED';
  const drop = flow.drop_reason_desc === undefined ? undefined : enumName(flow.drop_reason_desc, DROP_REASONS, 'DROP_REASON');
  const isReply = isObject(flow.is_reply) ? flow.is_reply.value === true : typeof flow.is_reply === 'boolean' ? flow.is_reply : undefined;
  const service = isObject(flow.destination_service) && typeof flow.destination_service.name === 'string' ? flow.destination_service : undefined;
  const [ingress, egress] = dropped ? [policyNames(flow.ingress_denied_by), policyNames(flow.egress_denied_by)] : [policyNames(flow.ingress_allowed_by), policyNames(flow.egress_allowed_by)];
  const policies = egress.length === 0 ? ingress : ingress.length === 0 ? egress : [...new Set([...ingress, ...egress])];
  const record: FlowRecord = {
    time: flowTime,
    verdict,
    protocol: 'unknown',
    source: endpoint(flow.source, ip.source, flow.source_names),
    destination: endpoint(flow.destination, ip.destination, flow.destination_names),
    policies: policies === NO_POLICIES ? [] : policies.length > 1 ? [...new Set(policies)] : policies,
  };
  readLayer4(flow.l4, record);
  if (typeof flow.uuid === 'string' && flow.uuid) record.uuid = flow.uuid;
  if (service) record.destinationService = { namespace: String(service.namespace ?? ''), name: String(service.name) };
  if (isReply !== undefined) record.isReply = isReply;
  if (drop && drop !== 'DROP_REASON_UNKNOWN') record.dropReason = drop;
  if (typeof flow.node_name === 'string') record.node = flow.node_name;
  return { flow: record };
}
