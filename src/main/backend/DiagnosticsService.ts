import { FindingHistory, type HistoryBatch } from '../../core/diagnostics/findingHistory';
import type { RecordedChange } from '../../core/history/objectState';
import { IncrementalDiagnostics, judgedLocally } from '../../core/diagnostics/IncrementalDiagnostics';
import { RULES } from '../../core/diagnostics/rules';
import { differingRuns, movedPast } from '../../core/view/IdPositions';
import type { DiagnosticsReport } from '../../shared/contract';
import type { Finding, FindingSpan } from '../../shared/diagnostics';
import type { ClusterState, ObjectChange } from '../../shared/kube';
import type { NodeFinding, Topology, TopologyNode } from '../../shared/model';
import type { RecordingStore } from '../store/RecordingStore';

/** How long after a revision its findings are worked out, when they could not be judged with it: a burst of watch events costs one check. */
const JUDGE_DELAY_MS = 100;
/**
 * Up to this many changes that re-check only their own namespaces are judged as their revision is
 * drawn (milliseconds), so that their findings come with it: a second revision to draw them would
 * cost a whole projection, and the pacer's interval after it. More changes, changes that reach
 * further (a policy, a Namespace, a Node, what the cluster profile reads) and a whole new state
 * wait for JUDGE_DELAY_MS.
 */
const JUDGED_WITH_REVISION = 1_000;
/**
 * More changes than that, and a whole state, are judged a few namespaces at a time, each step at
 * most this long (milliseconds), so that requests are answered in between: a first list at
 * 150,000 pods took 1.8 s to judge, and a drill asked for meanwhile waited for all of it.
 */
const STEP_MS = 25;
/**
 * A judgement in steps that goes on this long (changes that reach many namespaces keep coming)
 * says what it has found so far, so that the status and the picture do not wait for its end.
 */
const NEWS_EVERY_MS = 2_000;
/** Rules that wait on the clock ("no address for more than 5 minutes") are judged again this often, changes or not. */
const CLOCK_TICK_MS = 60_000;

/** Changes of one second are judged together when a recording is replayed: a rollout's pods land within it. */
const HISTORY_BATCH_MS = 1_000;

/** A recording's changes in batches of one second each. */
function batchesOf(changes: readonly RecordedChange[]): HistoryBatch[] {
  const batches: { t: number; changes: RecordedChange[] }[] = [];
  for (const change of changes) {
    const t = Math.ceil(change.t / HISTORY_BATCH_MS) * HISTORY_BATCH_MS;
    const last = batches.at(-1);
    if (last && last.t === t) last.changes.push(change);
    else batches.push({ t, changes: [change] });
  }
  return batches;
}

/**
 * The findings of what is drawn, kept like the topology: the live source's changes are applied as
 * they come (only their namespaces are re-checked), any other state is compared object by object.
 * A few changes are judged as they are drawn; otherwise the work is done just after the revision,
 * a few namespaces at a time, or all at once when the findings are asked for.
 */
export class DiagnosticsService {
  private diagnostics = this.fresh();
  private pending: ObjectChange[] = [];
  private pendingState?: ClusterState;
  private at?: number;
  private history?: { key: string; replay: FindingHistory; readTo: number };
  /** The findings last judged, and what they said: a redraw is due only when that changes. */
  private seen?: Finding[];
  /** Errors and warnings among them, for the status. */
  private seenProblems?: number;
  /** The last topology given findings, and the findings it was given: a traffic tick draws the same again. */
  private lastWithFindings?: { topology: Topology; findings: Finding[]; result: Topology };
  /** The copies given findings last time, by id, with the node each was made from. */
  private copies = new Map<string, { base: TopologyNode; copy: TopologyNode }>();
  /** Where the last findings were put: the next revision's subjects are looked for from there. */
  private placed?: PlacedFindings;
  /** Each finding as a node carries it. */
  private readonly briefs = new WeakMap<Finding, NodeFinding>();

  /** The namespaces the source sees, when it is scoped (`-n`): rules do not call things missing elsewhere. */
  private scope = '';
  private judgeTimer?: NodeJS.Timeout;
  /** The next step of a judgement made in steps, while one is under way, and when it last said what it found. */
  private nextStep?: NodeJS.Immediate;
  private newsAt?: number;
  private readonly clockTimer: NodeJS.Timeout;

  /**
   * `changed` is called when findings judged after a revision came out different: the caller
   * draws again. The picture of a 150,000-pod cluster never waits for the rules to judge a whole
   * state; a few changes are judged with their revision.
   */
  constructor(private readonly changed: () => void) {
    this.clockTimer = setInterval(() => {
      this.guarded(() => {
        this.bringIn(true);
        this.diagnostics.apply([], { defer: true });
      }, undefined);
      this.judgeSoon();
    }, CLOCK_TICK_MS).unref();
  }

  stop(): void {
    clearTimeout(this.judgeTimer);
    clearImmediate(this.nextStep);
    clearInterval(this.clockTimer);
  }

  private judgeSoon(): void {
    if (this.judgeTimer || this.nextStep) return;
    this.judgeTimer = setTimeout(() => {
      this.judgeTimer = undefined;
      this.step();
    }, JUDGE_DELAY_MS);
    this.judgeTimer.unref?.();
  }

  /**
   * One step of a judgement: what was drawn since the last step is brought in, and the namespaces
   * that wait are checked for up to STEP_MS. The next step comes after whatever else waits for the
   * thread; after the last, the findings are news when they changed. A namespace leaves the wait
   * as its check begins, so a rule that fails costs its namespace's findings, not the steps.
   */
  private step(): void {
    this.nextStep = undefined;
    this.newsAt ??= performance.now();
    this.guarded(() => {
      this.bringIn(true);
      const started = performance.now();
      while (this.diagnostics.checkWaiting(1) > 0 && performance.now() - started < STEP_MS);
    }, undefined);
    if (this.diagnostics.waitingCount() > 0) {
      if (performance.now() - this.newsAt >= NEWS_EVERY_MS) {
        this.newsAt = performance.now();
        if (this.guarded(() => this.refresh(this.diagnostics.checkedFindings()), false)) this.changed();
      }
      this.nextStep = setImmediate(() => this.step());
      return;
    }
    this.newsAt = undefined;
    if (this.judge()) this.changed();
  }

  private fresh(namespaces: readonly string[] = []): IncrementalDiagnostics {
    return new IncrementalDiagnostics({ clock: () => this.at ?? Date.now(), namespaces });
  }

  /**
   * What is drawn now: its changes since the last state when known, the moment it shows (for
   * replays), and the namespaces its source sees. A few changes that stay in their namespaces are
   * judged at once, so that the revision drawing them has their findings; the rest soon after.
   */
  drawn(state: ClusterState, changes: readonly ObjectChange[] | undefined, at: number | undefined, namespaces: readonly string[] = []): void {
    this.at = at;
    const scope = [...namespaces].sort().join(',');
    if (scope !== this.scope) {
      this.scope = scope;
      this.diagnostics = this.fresh(namespaces);
      changes = undefined;
    }
    // A loop, not a spread: a first list at 150,000 pods is more arguments than a call can take.
    if (changes && !this.pendingState) for (const change of changes) this.pending.push(change);
    else {
      this.pending = [];
      this.pendingState = state;
    }
    // While a judgement is made in steps, its next step takes these changes in.
    if (!this.pendingState && !this.nextStep && this.pending.length <= JUDGED_WITH_REVISION && judgedLocally(this.pending)) this.judge();
    else this.judgeSoon();
  }

  /** The findings of what is drawn now, brought up to date first (all at once, also what waits for a step). */
  findings(): Finding[] {
    this.bringIn(false);
    return this.diagnostics.findings();
  }

  /**
   * Hands what was drawn since to the rules; `defer`: the namespaces it reaches wait for a step.
   * Taken out first: what fails to be brought in is logged once, not tried again at every step.
   */
  private bringIn(defer: boolean): void {
    const state = this.pendingState;
    const changes = this.pending;
    this.pendingState = undefined;
    this.pending = [];
    if (state) this.diagnostics.update(state, { defer });
    if (changes.length) this.diagnostics.apply(changes, { defer });
  }

  /** Brings the findings up to date; true when they came out different from the last ones (so the picture should be drawn again). */
  private judge(): boolean {
    return this.guarded(() => this.refresh(), false);
  }

  /** Work of the rules. One that fails is logged, and the picture keeps the findings it has: the rules never stop the drawing or the session. */
  private guarded<T>(work: () => T, otherwise: T): T {
    try {
      return work();
    } catch (error) {
      console.error('strata: judging the findings failed:', error);
      return otherwise;
    }
  }

  /** Takes `findings` as the ones judged, by default all of them brought up to date; true when they say something new. */
  private refresh(findings = this.findings()): boolean {
    if (findings === this.seen) return false;
    const before = this.seen;
    this.seen = findings;
    this.seenProblems = findings.reduce((n, f) => n + (f.severity === 'info' ? 0 : 1), 0);
    // The first judgement is always news (even of no findings: a count of 0).
    return before === undefined || !sameFindings(before, findings);
  }

  /** Errors and warnings among the findings last judged (no judging here); undefined before the first judgement. */
  problemCount(): number | undefined {
    return this.seenProblems;
  }

  report(revision: number, store?: RecordingStore): DiagnosticsReport {
    const findings = this.findings();
    return { revision, findings, profile: this.diagnostics.profile(), rules: RULES.length, ...(store ? { history: this.historyOf(store) } : {}) };
  }

  /**
   * Each finding's first-seen and cleared times over a recording. Worked out once, then carried
   * on from where it left off as the recording grows, never replayed from the start again.
   */
  private historyOf(store: RecordingStore): FindingSpan[] {
    const span = store.span();
    if (!span) return [];
    const key = `${store.path}:${span.from}`;
    if (this.history?.key !== key) this.history = { key, replay: new FindingHistory({ t: span.from, objects: [...store.stateAt(span.from).values()] }), readTo: span.from };
    const history = this.history;
    // Read from the last change read, not from the moment judged: batches are judged at the end of their second.
    if (span.to > history.readTo) {
      history.replay.extend(batchesOf(store.changesBetween(history.readTo, span.to)));
      history.readTo = span.to;
    }
    return history.replay.spans;
  }

  /**
   * The topology with each node's findings on it; only the nodes that have some are copied. It
   * uses the findings last worked out, so that drawing never waits for the rules: those of a few
   * changes were judged as they were drawn; for more, the backend refreshes them after the
   * revision and draws again when they change.
   */
  withFindings(topology: Topology): Topology {
    const findings = this.diagnostics.checkedFindings();
    const last = this.lastWithFindings;
    if (last?.topology === topology && last.findings === findings) return last.result;
    const result = this.addFindings(topology, findings);
    this.lastWithFindings = { topology, findings, result };
    return result;
  }

  private addFindings(topology: Topology, findings: readonly Finding[]): Topology {
    const last = this.placed;
    const bySubject = last?.findings === findings ? last.bySubject : this.bySubject(findings);
    const at = subjectPositions(topology.nodes, bySubject, last);
    this.placed = { nodes: topology.nodes, findings, bySubject, at };
    let nodes: TopologyNode[] | undefined;
    const copies = new Map<string, { base: TopologyNode; copy: TopologyNode }>();
    for (const [id, position] of at) {
      if (position < 0) continue;
      const node = topology.nodes[position];
      const findings = bySubject.get(id)!;
      // The same node with the same findings is the same copy: the view's facts then find it unchanged
      // (a revision's containment tree is made again only around the nodes that changed).
      const before = this.copies.get(id);
      const copy = before && before.base === node && sameFindings(before.copy.findings!, findings) ? before.copy : { ...node, findings };
      copies.set(id, { base: node, copy });
      (nodes ??= topology.nodes.slice())[position] = copy;
    }
    this.copies = copies;
    return nodes ? { ...topology, nodes } : topology;
  }

  /** The findings by the object each is about, each as a node carries it (the same object for the same finding, from one revision to the next). */
  private bySubject(findings: readonly Finding[]): Map<string, NodeFinding[]> {
    const bySubject = new Map<string, NodeFinding[]>();
    for (const f of findings) {
      let brief = this.briefs.get(f);
      if (!brief) this.briefs.set(f, (brief = { key: f.key, rule: f.rule, severity: f.severity, message: f.message }));
      const list = bySubject.get(f.objects[0]);
      if (list) list.push(brief);
      else bySubject.set(f.objects[0], [brief]);
    }
    return bySubject;
  }
}

/** The nodes last given findings, the findings, and where each finding's subject stood among those nodes (-1: it was no node). */
interface PlacedFindings {
  nodes: readonly TopologyNode[];
  findings: readonly Finding[];
  bySubject: Map<string, NodeFinding[]>;
  at: Map<string, number>;
}

/**
 * Where each subject stands among `nodes` (-1: it is no node). A revision's nodes are the last
 * ones with a few runs replaced (the namespaces rebuilt): a subject outside them moved with them,
 * and only the runs are read. A walk over every node, whose ids are read through many shapes of
 * object, took 20–30 ms at 150,000 pods; it is left for a subject that had no findings last time
 * and is not in the runs, so whose place is unknown.
 */
function subjectPositions(nodes: readonly TopologyNode[], bySubject: ReadonlyMap<string, unknown>, last: PlacedFindings | undefined): Map<string, number> {
  const at = new Map<string, number>();
  // Nothing to look for: not even the runs are read (a first revision at 150,000 pods, before its findings are judged).
  if (bySubject.size === 0) return at;
  if (last) {
    const runs = differingRuns(last.nodes, nodes);
    let unknown = 0;
    for (const id of bySubject.keys()) {
      const was = last.at.get(id);
      if (was === undefined) unknown++;
      else at.set(id, was < 0 ? -1 : (movedPast(was, runs) ?? -1));
    }
    for (const run of runs) {
      for (let i = run.newStart; i < run.newEnd; i++) {
        const id = nodes[i].id;
        if (!bySubject.has(id)) continue;
        if (!last.at.has(id)) unknown--;
        at.set(id, i);
      }
    }
    if (unknown === 0) return at;
    at.clear();
  }
  for (let i = 0; i < nodes.length; i++) if (bySubject.has(nodes[i].id)) at.set(nodes[i].id, i);
  for (const id of bySubject.keys()) if (!at.has(id)) at.set(id, -1);
  return at;
}

/**
 * Whether two lists of findings say the same, in the same order. Compared finding by finding, most
 * of them the same objects: one string of every finding's words, made at each judgement, was 3.5% of
 * serve's CPU samples under churn at 150,000 pods.
 */
const sameFindings = (a: readonly NodeFinding[], b: readonly NodeFinding[]) =>
  a.length === b.length && a.every((f, i) => f === b[i] || (f.key === b[i].key && f.rule === b[i].rule && f.severity === b[i].severity && f.message === b[i].message));
