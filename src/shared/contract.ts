/**
 * The one typed contract between Strata's backend and its renderer. Electron IPC and the serve
 * mode's WebSocket both carry exactly these requests and pushed events, served by the same handlers.
 */
import type { ClusterProfile, Finding, FindingSpan } from './diagnostics';
import type { KubeObject } from './kube';
import type { PolicyOverlay, ReachQuery, ReachResult, Topology, TopologyEdgeType, TopologyNode } from './model';
import type { SearchResult, ViewSpec, ViewUpdate } from './view';
import { VIEW_LEVELS } from './view';

export type SourceKind = 'demo' | 'manifests' | 'context' | 'recording';

/** Where the picture comes from and how fresh it is; what the status bar shows. */
export interface SourceInfo {
  kind: SourceKind;
  label: string;
  /** For a live source: the kubeconfig context and the namespaces it is scoped to (all when absent). */
  context?: string;
  namespaces?: string[];
}

/** The recording of a live context, when the user turned it on. */
export interface RecordingStatus {
  path: string;
  events: number;
  bytes: number;
  span?: { from: number; to: number };
  /** Why recording stopped by itself (disk full, read-only file). */
  error?: string;
}

export interface SessionStatus {
  source: SourceInfo;
  /** Set while the picture shows a past moment rather than the present. */
  replay?: { at: number };
  recording?: RecordingStatus;
  /** `loaded` for demo and manifests; the live states arrive with cluster contexts. */
  sync: 'loading' | 'loaded' | 'connecting' | 'synced' | 'resyncing' | 'error';
  /** Why the state is what it is, in one sentence, when that is not obvious. */
  message?: string;
  notices: Notice[];
  counts: { objects: number; nodes: number; edges: number };
  /**
   * Findings that are errors or warnings, as last judged; absent before the first judgement. The
   * toolbar shows it without asking for the whole report, which runs to megabytes under churn at
   * 150,000 pods.
   */
  problems?: number;
  /** ISO time of the last change of the picture, from the backend's clock. */
  updatedAt: string;
  /** The revision of the picture this status describes (`topology.changed`); 0 before the first. */
  revision: number;
}

/** Something the user should know about the source: a skipped file, a broken manifest, a forbidden kind. */
export interface Notice {
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** Where it comes from, e.g. `shop/ingress.yaml:12`. */
  where?: string;
}

export interface TopologySnapshot {
  /** Grows by one with every change, so a client can drop a snapshot older than one it has. */
  revision: number;
  topology: Topology;
}

/**
 * Pushed when the topology changes: just the revision. A client asks for the part it draws
 * (`view.get`), so a 150,000-pod cluster never crosses the wire whole.
 */
export interface TopologyRevision {
  revision: number;
}

export interface RelatedObject {
  direction: 'in' | 'out';
  edgeType: TopologyEdgeType;
  edgeId: string;
  node: Pick<TopologyNode, 'id' | 'kind' | 'name' | 'namespace' | 'missing'>;
}

export interface ObjectDetails {
  node: TopologyNode;
  /** The stripped object as Strata keeps it; absent for missing placeholders, workload groups and Externals. */
  object?: KubeObject;
  related: RelatedObject[];
}

/** A kubeconfig context as the context switcher lists it; never credentials. */
export interface ContextEntry {
  name: string;
  cluster: string;
  namespace?: string;
  server?: string;
  /** The kubeconfig's current-context. */
  current: boolean;
}

export interface ContextList {
  contexts: ContextEntry[];
  /** The kubeconfig files read, in kubectl's order. */
  files: string[];
  /** Why no contexts could be read (no kubeconfig, broken YAML), in one sentence. */
  error?: string;
}

export interface TimelineGap {
  start: number;
  end?: number;
  reason: string;
}

/** What the timeline under the graph draws. */
export interface Timeline {
  /** Absent when there is no history to replay. */
  span?: { from: number; to: number };
  /** Changes per equal slice of the span. */
  density: number[];
  gaps: TimelineGap[];
  marks: { t: number; label: string }[];
  /** The replayed moment; absent when showing the present. */
  at?: number;
  /** Whether this source can record (a live context) and whether it is recording. */
  canRecord: boolean;
  recording?: RecordingStatus;
}

export interface ObjectChangeSummary {
  id: string;
  kind: string;
  namespace?: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
  details: string[];
}

/** Two moments compared: the topology of B plus what A had and B lost, and each change named. */
export interface Comparison {
  a: number;
  b: number;
  topology: Topology;
  changes: ObjectChangeSummary[];
}

/** What a flow import did: counts, and the first bad lines by number. */
export interface FlowImportSummary {
  flows: number;
  lines: number;
  badLines: number;
  firstBad: { line: number; reason: string }[];
  buckets: number;
}

/** What the user can switch to from the app. Manifest folders are chosen on the command line. */
export type SourceChoice = { kind: 'demo' } | { kind: 'context'; name: string; namespaces?: string[] } | { kind: 'recording'; path: string };

/** The engine's cluster-dependent choices; omitted fields take the documented defaults (both true). */
export interface PolicyOptionsParam {
  ipBlockMatchesPods?: boolean;
  enforceEndPort?: boolean;
}

/** What-if: the pasted policies, judged against what is drawn; nothing is applied anywhere. */
export interface WhatIfPreview {
  /** Ids of the pasted policies (a pasted policy replaces the drawn one of the same id). */
  policies: string[];
  /** Workload pairs whose allowed ports change: `gained` became allowed, `lost` became denied. */
  changes: { source: string; destination: string; gained?: string; lost?: string }[];
  /** Why the API server would reject a pasted policy (then it is left out). */
  problems: string[];
  /** The Policies layer as it would be with the pasted policies. */
  overlay: PolicyOverlay;
}

/** The findings of what is drawn and the cluster profile; over a recording, when each finding came and went. */
export interface DiagnosticsReport {
  revision: number;
  findings: Finding[];
  profile: ClusterProfile;
  /** How many rules ran. */
  rules: number;
  /** With a recording on show: every finding of the recording with its first-seen and cleared times, oldest first. */
  history?: FindingSpan[];
}

export interface ContractRequests {
  'session.get': { params: Record<string, never>; result: SessionStatus };
  /** The whole topology: for tools and tests. The renderer draws views. */
  'topology.get': { params: Record<string, never>; result: TopologySnapshot };
  /** The topology projected for a spec; with `base` (the key of a view this client has), only what changed since. */
  'view.get': { params: { spec: ViewSpec; base?: string }; result: ViewUpdate };
  /** Every object, folded ones included, whose name or labels match. */
  'view.search': { params: { query: string }; result: SearchResult };
  'object.get': { params: { id: string }; result: ObjectDetails | null };
  'contexts.list': { params: Record<string, never>; result: ContextList };
  'source.select': { params: SourceChoice; result: SessionStatus };
  'timeline.get': { params: Record<string, never>; result: Timeline };
  'replay.seek': { params: { t: number }; result: Timeline };
  'replay.step': { params: { direction: 'next' | 'previous' }; result: Timeline };
  'replay.live': { params: Record<string, never>; result: Timeline };
  'replay.compare': { params: { a: number; b: number }; result: Comparison };
  'recording.start': { params: Record<string, never>; result: Timeline };
  'flows.import': { params: { path: string }; result: FlowImportSummary };
  'recording.stop': { params: Record<string, never>; result: Timeline };
  /** With `view`, the layer as that view draws it: marks on what is drawn, isolation counted per folded aggregate. */
  'policy.overlay': { params: { options?: PolicyOptionsParam; view?: ViewSpec }; result: PolicyOverlay };
  /** With `whatIf` (policy YAML), the answer is as if those policies were applied. */
  'policy.reach': { params: { query: ReachQuery; options?: PolicyOptionsParam; whatIf?: string }; result: ReachResult };
  'policy.whatIf': { params: { yaml: string; options?: PolicyOptionsParam }; result: WhatIfPreview };
  'diagnostics.get': { params: Record<string, never>; result: DiagnosticsReport };
}

export interface ContractEvents {
  'session.changed': SessionStatus;
  'topology.changed': TopologyRevision;
  'timeline.changed': Timeline;
}

export type RequestName = keyof ContractRequests;
export type EventName = keyof ContractEvents;
export type RequestParams<N extends RequestName> = ContractRequests[N]['params'];
export type RequestResult<N extends RequestName> = ContractRequests[N]['result'];

export const REQUEST_NAMES = [
  'session.get',
  'topology.get',
  'view.get',
  'view.search',
  'object.get',
  'contexts.list',
  'source.select',
  'timeline.get',
  'replay.seek',
  'replay.step',
  'replay.live',
  'replay.compare',
  'recording.start',
  'recording.stop',
  'flows.import',
  'policy.overlay',
  'policy.reach',
  'policy.whatIf',
  'diagnostics.get',
] as const satisfies readonly RequestName[];
export const EVENT_NAMES = ['session.changed', 'topology.changed', 'timeline.changed'] as const satisfies readonly EventName[];

export type ContractHandlers = { [N in RequestName]: (params: RequestParams<N>) => Promise<RequestResult<N>> };

/** What the renderer sees: one call per request, one subscription for pushed events. */
export interface StrataApi {
  request<N extends RequestName>(name: N, params: RequestParams<N>): Promise<RequestResult<N>>;
  on<E extends EventName>(name: E, listener: (payload: ContractEvents[E]) => void): () => void;
}

/** Messages on the serve mode's WebSocket. */
export type ClientMessage = { type: 'request'; id: number; name: string; params: unknown };
export type ServerMessage =
  | { type: 'response'; id: number; result: unknown }
  | { type: 'response'; id: number; error: { message: string } }
  | { type: 'event'; name: EventName; payload: unknown };

/** A request the backend refuses: unknown name or bad parameters. Its message is safe to show. */
export class ContractError extends Error {}

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && (REQUEST_NAMES as readonly string[]).includes(name);
}

/** Checks a request's parameters at the boundary, since they arrive from another process. */
export function validateParams<N extends RequestName>(name: N, params: unknown): RequestParams<N> {
  const value = params ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ContractError(`${name}: parameters must be an object`);
  if (name === 'object.get') {
    const id = (value as { id?: unknown }).id;
    if (typeof id !== 'string' || id.length === 0 || id.length > 1024) throw new ContractError('object.get: parameter id must be a non-empty string');
    return { id } as RequestParams<N>;
  }
  if (name === 'view.get') {
    const { spec, base } = value as { spec?: unknown; base?: unknown };
    if (base !== undefined && (typeof base !== 'string' || base.length > 64)) throw new ContractError('view.get: base must be the key of a view this client has');
    return { spec: viewSpec(spec, name), ...(base !== undefined ? { base } : {}) } as RequestParams<N>;
  }
  if (name === 'view.search') {
    const query = (value as { query?: unknown }).query;
    if (typeof query !== 'string' || query.length > 1024) throw new ContractError('view.search: parameter query must be a string of at most 1,024 characters');
    return { query } as RequestParams<N>;
  }
  if (name === 'source.select') {
    const choice = value as { kind?: unknown; name?: unknown; namespaces?: unknown; path?: unknown };
    if (choice.kind === 'demo') return { kind: 'demo' } as RequestParams<N>;
    if (choice.kind === 'recording') {
      if (typeof choice.path !== 'string' || !choice.path) throw new ContractError('source.select: a recording needs a path');
      return { kind: 'recording', path: choice.path } as RequestParams<N>;
    }
    if (choice.kind !== 'context' || typeof choice.name !== 'string' || !choice.name) throw new ContractError('source.select: choose {kind: "demo"}, {kind: "context", name} or {kind: "recording", path}');
    const namespaces = choice.namespaces ?? [];
    if (!Array.isArray(namespaces) || namespaces.some((n) => typeof n !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n))) {
      throw new ContractError('source.select: namespaces must be a list of namespace names');
    }
    return { kind: 'context', name: choice.name, ...(namespaces.length ? { namespaces } : {}) } as RequestParams<N>;
  }
  if (name === 'flows.import') {
    const path = (value as { path?: unknown }).path;
    if (typeof path !== 'string' || !path) throw new ContractError('flows.import: parameter path must be a file path');
    return { path } as RequestParams<N>;
  }
  if (name === 'replay.seek') {
    const t = (value as { t?: unknown }).t;
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new ContractError('replay.seek: parameter t must be a time in milliseconds');
    return { t } as RequestParams<N>;
  }
  if (name === 'replay.step') {
    const direction = (value as { direction?: unknown }).direction;
    if (direction !== 'next' && direction !== 'previous') throw new ContractError('replay.step: direction must be "next" or "previous"');
    return { direction } as RequestParams<N>;
  }
  if (name === 'replay.compare') {
    const { a, b } = value as { a?: unknown; b?: unknown };
    if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b)) throw new ContractError('replay.compare: parameters a and b must be times in milliseconds');
    return { a, b } as RequestParams<N>;
  }
  if (name === 'policy.overlay' || name === 'policy.reach' || name === 'policy.whatIf') {
    const { options, query, yaml, whatIf, view } = value as { options?: unknown; query?: unknown; yaml?: unknown; whatIf?: unknown; view?: unknown };
    const checked = policyOptions(name, options);
    const policyText = (text: unknown, what: string) => {
      if (typeof text !== 'string' || !text.trim() || text.length > 1_000_000) throw new ContractError(`${name}: parameter ${what} must be the text of one or more policies (at most 1 MB)`);
      return text;
    };
    if (name === 'policy.overlay') return { ...(checked ? { options: checked } : {}), ...(view !== undefined ? { view: viewSpec(view, name) } : {}) } as RequestParams<N>;
    if (name === 'policy.whatIf') return { yaml: policyText(yaml, 'yaml'), ...(checked ? { options: checked } : {}) } as RequestParams<N>;
    const q = (query ?? {}) as { from?: unknown; to?: unknown; port?: unknown; protocol?: unknown };
    if (typeof q.from !== 'string' || !q.from || typeof q.to !== 'string' || !q.to) throw new ContractError('policy.reach: query.from and query.to are required');
    if (q.port !== undefined && !(Number.isInteger(q.port) && (q.port as number) >= 1 && (q.port as number) <= 65535)) throw new ContractError('policy.reach: query.port must be a port number, 1 to 65535');
    const protocol = typeof q.protocol === 'string' ? q.protocol.toUpperCase() : q.protocol;
    // ICMP is accepted so that the answer can say its behaviour is undefined.
    if (protocol !== undefined && !['TCP', 'UDP', 'SCTP', 'ICMPV4', 'ICMPV6'].includes(protocol as string)) throw new ContractError('policy.reach: query.protocol must be TCP, UDP, SCTP, ICMPv4 or ICMPv6');
    const reach: ReachQuery = { from: q.from.trim(), to: q.to.trim(), ...(q.port !== undefined ? { port: q.port as number } : {}), ...(protocol ? { protocol: (protocol as string).replace('ICMPV', 'ICMPv') } : {}) };
    return { query: reach, ...(checked ? { options: checked } : {}), ...(whatIf !== undefined ? { whatIf: policyText(whatIf, 'whatIf') } : {}) } as RequestParams<N>;
  }
  return {} as RequestParams<N>;
}

function viewSpec(spec: unknown, request: string): ViewSpec {
  const what = request === 'view.get' ? 'spec' : 'view';
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new ContractError(`${request}: parameter ${what} must be an object`);
  const { level, expanded, collapsed, namespaces } = spec as Record<string, unknown>;
  if (level !== 'auto' && !(VIEW_LEVELS as readonly unknown[]).includes(level)) throw new ContractError(`${request}: ${what}.level must be auto, ${VIEW_LEVELS.join(', ')}`);
  const idList = (list: unknown, field: string): string[] | undefined => {
    if (list === undefined) return undefined;
    if (!Array.isArray(list) || list.length > 10_000 || list.some((id) => typeof id !== 'string' || id.length > 1024)) throw new ContractError(`${request}: ${what}.${field} must be a list of ids`);
    return list as string[];
  };
  const checked: ViewSpec = { level: level as ViewSpec['level'] };
  const lists = { expanded: idList(expanded, 'expanded'), collapsed: idList(collapsed, 'collapsed'), namespaces: idList(namespaces, 'namespaces') };
  for (const [key, list] of Object.entries(lists)) if (list) checked[key as 'expanded'] = list;
  return checked;
}

function policyOptions(name: string, options: unknown): PolicyOptionsParam | undefined {
  if (options === undefined) return undefined;
  const o = options as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o) || Object.values(o).some((v) => v !== undefined && typeof v !== 'boolean')) throw new ContractError(`${name}: options.ipBlockMatchesPods and options.enforceEndPort are true or false`);
  return { ...(o.ipBlockMatchesPods !== undefined ? { ipBlockMatchesPods: o.ipBlockMatchesPods as boolean } : {}), ...(o.enforceEndPort !== undefined ? { enforceEndPort: o.enforceEndPort as boolean } : {}) };
}
