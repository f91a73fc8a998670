import type { Finding, FindingSpan } from '../../shared/diagnostics';
import type { KubeObject, LabelSelector } from '../../shared/kube';
import { idOf, isWorkload } from '../../shared/kube';
import type { RecordedChange } from '../history/objectState';
import { formatLabels } from './DiagnosticContext';
import { IncrementalDiagnostics, type DiagnosticsOptions } from './IncrementalDiagnostics';

/** How far back a change can be the cause of a finding: a rollout takes a few minutes to empty a Service. */
const CAUSE_LOOKBACK_MS = 10 * 60_000;
/** Kinds whose changes people make; pods, EndpointSlices and Nodes follow from them (or from the machines). */
const CAUSE_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Service',
  'Ingress',
  'IngressClass',
  'Gateway',
  'GatewayClass',
  'HTTPRoute',
  'GRPCRoute',
  'ReferenceGrant',
  'NetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'Namespace',
  'Node',
]);

interface Cause {
  t: number;
  id: string;
  namespace?: string;
  text: string;
}

const name = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
const selectorText = (s: LabelSelector | undefined) => formatLabels(s?.matchLabels) + (s?.matchExpressions?.length ? ` (+${s.matchExpressions.length} expressions)` : '');

/** What a change did, in words a responder reads: the fields that move traffic, not the whole diff. */
export function describeChange(before: KubeObject | undefined, after: KubeObject, type: RecordedChange['type']): string {
  if (type === 'added' || !before) return `${name(after)} was created`;
  if (type === 'deleted') return `${name(after)} was deleted`;
  if (isWorkload(before) && isWorkload(after)) {
    const was = formatLabels(before.spec.template.labels);
    const is = formatLabels(after.spec.template.labels);
    if (was !== is) return `${name(after)}'s template labels changed from ${was} to ${is}`;
    if (selectorText(before.spec.selector) !== selectorText(after.spec.selector)) return `${name(after)}'s selector changed from ${selectorText(before.spec.selector)} to ${selectorText(after.spec.selector)}`;
    if (before.spec.replicas !== after.spec.replicas) return `${name(after)} was scaled from ${before.spec.replicas ?? '?'} to ${after.spec.replicas ?? '?'} replicas`;
    const ports = (o: typeof before) => JSON.stringify(o.spec.template.containers.map((c) => [c.name, c.ports, c.probes]));
    if (ports(before) !== ports(after)) return `${name(after)}'s container ports or probes changed`;
    const images = (o: typeof before) => o.spec.template.containers.map((c) => c.image ?? '').join(',');
    if (images(before) !== images(after)) return `${name(after)} rolled out ${images(after)} (was ${images(before)})`;
  }
  if (before.kind === 'Service' && after.kind === 'Service') {
    if (formatLabels(before.spec.selector) !== formatLabels(after.spec.selector)) return `${name(after)}'s selector changed from ${formatLabels(before.spec.selector)} to ${formatLabels(after.spec.selector)}`;
    if (JSON.stringify(before.spec.ports) !== JSON.stringify(after.spec.ports)) return `${name(after)}'s ports changed`;
  }
  if (before.kind === 'Node' && after.kind === 'Node' && before.status.ready !== after.status.ready) return `${name(after)} became ${after.status.ready ? 'Ready' : 'NotReady'}`;
  if (formatLabels(before.metadata.labels) !== formatLabels(after.metadata.labels)) return `${name(after)}'s labels changed from ${formatLabels(before.metadata.labels)} to ${formatLabels(after.metadata.labels)}`;
  return `${name(after)} was changed`;
}

/**
 * The likely cause of a finding that just appeared: the latest change people make (a rollout, a
 * selector, a policy) to one of the finding's objects, else in the subject's namespace, within
 * the lookback. A change that says nothing ("was changed") or a cluster-scoped object the finding
 * does not name is never offered; undefined when nothing fits, for a guess is not a cause.
 */
function causeOf(finding: Finding, causes: readonly Cause[], t: number): string | undefined {
  const subjectNamespace = finding.objects[0]?.split('/').length === 3 ? finding.objects[0].split('/')[1] : undefined;
  const recent = causes.filter((c) => c.t <= t && t - c.t <= CAUSE_LOOKBACK_MS && !c.text.endsWith(' was changed'));
  const named = recent.filter((c) => finding.objects.includes(c.id));
  const nearby = recent.filter((c) => c.namespace !== undefined && c.namespace === subjectNamespace);
  return (named.at(-1) ?? nearby.at(-1))?.text;
}

export interface HistoryBatch {
  t: number;
  changes: readonly RecordedChange[];
}

/** Rules that wait ("pending for more than 5 minutes") are judged at least this often between changes. */
const TICK_MS = 60_000;

/**
 * Each finding over a recording: when it was first seen, when it cleared, and the change that
 * likely caused it. Replays the recording through the incremental rules batch by batch, so a
 * change re-checks only the namespaces it reaches, and between batches the clock ticks every
 * minute for the rules that wait. `extend` carries on from where the last batch left off, so a
 * recording that grows is not replayed from its start again.
 */
export class FindingHistory {
  readonly spans: FindingSpan[] = [];
  private now: number;
  private readonly diagnostics: IncrementalDiagnostics;
  private readonly objects: Map<string, KubeObject>;
  private readonly open = new Map<string, FindingSpan>();
  private readonly causes: Cause[] = [];

  constructor(start: { t: number; objects: readonly KubeObject[] }, options: Pick<DiagnosticsOptions, 'rules'> = {}) {
    this.now = start.t;
    this.diagnostics = new IncrementalDiagnostics({ ...options, clock: () => this.now });
    this.diagnostics.update({ objects: start.objects });
    this.objects = new Map(start.objects.map((o) => [idOf(o), o]));
    for (const finding of this.diagnostics.findings()) {
      const span: FindingSpan = { finding, firstSeen: start.t, presentAtStart: true };
      this.open.set(finding.key, span);
      this.spans.push(span);
    }
  }

  /** The moment judged last. */
  get until(): number {
    return this.now;
  }

  extend(batches: Iterable<HistoryBatch>): this {
    for (const batch of batches) {
      for (let tick = this.now + TICK_MS; tick < batch.t; tick += TICK_MS) this.judge(tick, []);
      // A later read of the same second joins the moment judged last rather than going back in time.
      this.judge(Math.max(batch.t, this.now), batch.changes);
    }
    return this;
  }

  private judge(t: number, changes: readonly RecordedChange[]): void {
    this.now = t;
    for (const change of changes) {
      const id = idOf(change.object);
      if (CAUSE_KINDS.has(change.object.kind)) this.causes.push({ t, id, namespace: change.object.metadata.namespace, text: describeChange(this.objects.get(id), change.object, change.type) });
      if (change.type === 'deleted') this.objects.delete(id);
      else this.objects.set(id, change.object);
    }
    while (this.causes.length && t - this.causes[0].t > CAUSE_LOOKBACK_MS) this.causes.shift();
    this.diagnostics.apply(changes.map((c) => ({ type: c.type, key: idOf(c.object), object: c.object })));
    const current = new Map(this.diagnostics.findings().map((f) => [f.key, f]));
    for (const [key, span] of this.open) {
      if (current.has(key)) continue;
      span.cleared = t;
      this.open.delete(key);
    }
    for (const [key, finding] of current) {
      if (this.open.has(key)) continue;
      const cause = causeOf(finding, this.causes, t);
      const span: FindingSpan = { finding, firstSeen: t, ...(cause ? { cause } : {}) };
      this.open.set(key, span);
      this.spans.push(span);
    }
  }
}

/** Each finding over a recording, from its start (see FindingHistory). */
export function findingHistory(start: { t: number; objects: readonly KubeObject[] }, batches: Iterable<HistoryBatch>, options: Pick<DiagnosticsOptions, 'rules'> = {}): FindingSpan[] {
  return new FindingHistory(start, options).extend(batches).spans;
}
