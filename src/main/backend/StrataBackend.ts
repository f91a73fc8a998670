import { trafficWindowOf, type TrafficWindow } from '../../core/flows/TrafficLayer';
import { foldOverlay } from '../../core/view/foldOverlay';
import { createReadStream } from 'node:fs';
import type { ContractEvents, ContractHandlers, EventName, FlowImportSummary, SessionStatus, SourceChoice, Timeline, TopologySnapshot } from '../../shared/contract';
import { ContractError } from '../../shared/contract';
import type { ClusterState, ObjectChange } from '../../shared/kube';
import type { Topology } from '../../shared/model';
import { LiveClusterSource } from '../cluster/LiveClusterSource';
import { RecordingStore } from '../store/RecordingStore';
import { recordingFileName, recordingsDir } from './recordingsDir';
import type { FlowSource } from '../flows/FlowSource';
import { findHubbleRelay } from '../../core/flows/findHubbleRelay';
import { HubbleRelayForward } from '../flows/HubbleRelayForward';
import { HubbleRelaySource } from '../flows/HubbleRelaySource';
import { FlowImportError, importFlows } from '../flows/importFlows';
import { RecordingSource } from '../sources/RecordingSource';
import { LiveTraffic } from './LiveTraffic';
import { DiagnosticsService } from './DiagnosticsService';
import { LiveRecording } from './LiveRecording';
import { DrawnTopology } from './DrawnTopology';
import { RevisionPacer } from './RevisionPacer';
import { PolicyService } from './PolicyService';
import { TimeTravel } from './TimeTravel';
import { ViewService } from './ViewService';
import type { SourceCatalog } from '../sources/SourceCatalog';
import type { SourceUpdate, TopologySource } from '../sources/TopologySource';

/**
 * Revisions are at least a quarter second apart, as often as the renderer asks for a view (useView's
 * MIN_INTERVAL_MS; what changes in between is drawn with the next), and further when drawing one
 * takes more than a third of that: flows and watches share the thread.
 */
const PACING = { intervalMs: 250, maxIntervalMs: 2_000, drawingShare: 1 / 3 };

export type BackendListener = <E extends EventName>(name: E, payload: ContractEvents[E]) => void;

export interface BackendOptions {
  /** Injected so that tests and replays control time stamps. */
  now?: () => Date;
  /** Where the context switcher's choices come from; without it the session stays on its first source. */
  catalog?: SourceCatalog;
  /** Retention for recordings the user starts in the app. */
  retain?: { maxAgeMs?: number; maxBytes?: number };
  /** Observed traffic for live contexts (Hubble Relay). */
  flows?: FlowSource;
  /** Without `flows`: find Hubble Relay in a live context and port-forward to it. */
  discoverHubble?: boolean;
}

/**
 * Serves the contract for one source at a time: every update of the source becomes a topology
 * through the core, a new revision, and pushed events for every transport that subscribed.
 * Switching source (another context, the demo) replaces the picture; revisions keep growing.
 */
export class StrataBackend {
  private revision = 0;
  /** What the next revision draws, gathered while the pacer waits: the changes since the state drawn (undefined: unknown). */
  private pending?: { state: ClusterState; traffic?: TrafficWindow; changes?: readonly ObjectChange[] };
  private findingsChanged = false;
  private readonly pacer = new RevisionPacer(() => this.publish(), PACING);
  private status: SessionStatus;
  private readonly listeners = new Set<BackendListener>();
  private readonly now: () => Date;
  /** Serialises source switches, so two quick choices end on the second. */
  private switching: Promise<unknown> = Promise.resolve();
  /** The source's latest state: shown when live, kept while a past moment is shown. */
  private liveState: ClusterState = { objects: [] };
  /** The live traffic as of the last tick: a source update draws it too, not a window of its own. */
  private liveTraffic?: TrafficWindow;
  private traffic?: LiveTraffic;
  private hubbleForward?: Promise<HubbleRelayForward | undefined>;
  private lastUpdate: Omit<SourceUpdate, 'state'> = { sync: 'loading', notices: [] };
  private replayAt?: number;
  private recording?: LiveRecording;

  constructor(
    private source: TopologySource,
    private readonly options: BackendOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.status = this.statusFor({ sync: 'loading', notices: [] });
  }

  /** Starts the first source. A source that cannot start (a broken context) is an error status, not a crash. */
  async start(): Promise<void> {
    await this.startSource(this.source);
    if (this.options.flows) await this.startTraffic(this.options.flows);
  }

  /** Observed traffic from a flow source, attributed, drawn and (when recording) recorded. */
  private async startTraffic(flows: FlowSource): Promise<void> {
    this.traffic = new LiveTraffic(flows, {
      // Flows of the last few seconds are attributed with the present; later ones with the recording's past.
      objectsAt: (t) => (this.recording ? this.recording.reader.stateAt(t).values() : this.liveState.objects),
      present: () => this.liveState.objects,
      changed: (buckets, notices) => {
        try {
          this.recording?.recordFlows(buckets, notices);
        } catch {
          // A failing recording reports itself through the recorder; the live view goes on.
        }
        this.liveTraffic = this.traffic!.window();
        // The revision sends the status (and the traffic's notices) with it.
        if (this.replayAt === undefined) this.draw(this.liveState, this.liveTraffic);
        else this.refreshStatus();
      },
    });
    await this.traffic.start();
  }

  /**
   * Without --hubble, a live context whose cluster runs Hubble Relay (Service kube-system/hubble-relay)
   * gets its traffic through a port-forward of its own, once the Relay's endpoints are known.
   */
  private discoverHubble(changes?: readonly ObjectChange[]): void {
    const source = this.source;
    if (!this.options.discoverHubble || this.options.flows || this.traffic || this.hubbleForward || !(source instanceof LiveClusterSource)) return;
    // Only a kube-system EndpointSlice can show the Relay: other changes need no search of every object.
    if (changes && !changes.some(({ object }) => object.kind === 'EndpointSlice' && object.metadata.namespace === 'kube-system')) return;
    const relay = findHubbleRelay(this.liveState.objects);
    if (!relay) return;
    this.hubbleForward = HubbleRelayForward.open(source.kubeConfig(), relay.namespace, relay.pod, relay.port).then(
      async (forward) => {
        if (source !== this.source) {
          forward.close();
          return undefined;
        }
        await this.startTraffic(new HubbleRelaySource({ address: forward.address }));
        return forward;
      },
      (error: Error) => {
        console.error(`strata: cannot port-forward to Hubble Relay ${relay.namespace}/${relay.pod}: ${error.message}`);
        return undefined;
      },
    );
  }

  private async stopTraffic(): Promise<void> {
    await this.traffic?.stop();
    this.traffic = undefined;
    this.liveTraffic = undefined;
    (await this.hubbleForward)?.close();
    this.hubbleForward = undefined;
  }

  async stop(): Promise<void> {
    await this.switching;
    await this.stopTraffic();
    this.stopRecording();
    await this.source.stop();
    // Last: stopping the recording and the source may still ask for a revision.
    this.pacer.stop();
    this.diagnostics.stop();
    this.listeners.clear();
  }

  subscribe(listener: BackendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readonly policies = new PolicyService(
    () => ({ revision: this.revision, objects: [...this.drawn.state.objects], topology: this.topology() }),
    (from, to) => this.history()?.policyChangesBetween(from, to) ?? [],
  );

  private readonly views = new ViewService(() => ({ revision: this.revision, topology: this.topology() }));

  /** The findings of what is drawn, on the topology's nodes and in the Problems panel. */
  private readonly diagnostics = new DiagnosticsService(() => {
    // The findings changed: the next revision draws them on their nodes.
    this.findingsChanged = true;
    this.pacer.request();
  });

  private readonly drawn = new DrawnTopology(this.diagnostics);

  readonly handlers: ContractHandlers = {
    'session.get': async () => this.status,
    'topology.get': async () => this.pacer.drawing(() => this.snapshot()),
    'view.get': async ({ spec, base }) => this.pacer.drawing(() => this.views.view(spec, base)),
    'view.search': async ({ query }) => this.views.search(query),
    'object.get': async ({ id }) => this.drawn.details(id),
    'contexts.list': async () => this.options.catalog?.contexts() ?? { contexts: [], files: [], error: 'This session has a fixed source.' },
    'source.select': async (choice) => {
      this.switching = this.switching.then(() => this.switchTo(choice));
      await this.switching;
      return this.status;
    },
    'timeline.get': async () => this.timeline(),
    'replay.seek': async ({ t }) => this.showMoment(this.requireHistory(), t),
    'replay.step': async ({ direction }) => {
      const history = this.requireHistory();
      const from = this.replayAt ?? history.timeline({ canRecord: false }).span?.to ?? Date.now();
      return this.showMoment(history, history.step(from, direction));
    },
    'replay.live': async () => {
      this.replayAt = undefined;
      this.draw(this.liveState, this.liveTraffic, undefined, true);
      return this.pushTimeline();
    },
    'replay.compare': async ({ a, b }) => this.requireHistory().compare(Math.min(a, b), Math.max(a, b)),
    'recording.start': async () => this.startRecording(),
    'recording.stop': async () => {
      this.stopRecording();
      return this.pushTimeline();
    },
    'flows.import': async ({ path }) => this.importFlows(path),
    // Asked for with every revision while the Policies layer is on: drawing, which the pacer makes room for.
    'policy.overlay': async ({ options, view }) =>
      this.pacer.drawing(() => {
        const overlay = this.policies.overlay(options);
        return view ? foldOverlay(this.topology(), this.views.project(view).view, overlay) : overlay;
      }),
    'policy.reach': async ({ query, options, whatIf }) => this.policies.reach(query, options, whatIf),
    'policy.whatIf': async ({ yaml, options }) => this.policies.whatIf(yaml, options),
    // Finding history is worked out over a recording on show, not over one still being written while live.
    'diagnostics.get': async () => this.diagnostics.report(this.revision, this.replayAt !== undefined ? (this.recording?.reader ?? this.source.history?.()) : this.source.history?.()),
  };

  /**
   * Imports a jsonpb file into the history on show (the recording being written, an opened
   * recording, the demo's), then shows its end with the traffic drawn.
   */
  private async importFlows(path: string): Promise<FlowImportSummary> {
    const target = this.recording
      ? { store: RecordingStore.open(this.recording.path), owned: true }
      : this.source instanceof RecordingSource
        ? { store: RecordingStore.open(this.source.path), owned: true }
        : this.source.history?.()
          ? { store: this.source.history()!, owned: false }
          : undefined;
    if (!target) throw new ContractError('There is no recording to import flows into: turn recording on, or open a recording, first.');
    try {
      const report = await importFlows(createReadStream(path), path, target.store).catch((error: Error) => {
        throw new ContractError(error instanceof FlowImportError ? error.message : `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? error.message}).`);
      });
      const history = this.requireHistory();
      this.showMoment(history, this.replayAt ?? history.timeline({ canRecord: false }).span?.to ?? Date.now());
      return { flows: report.flows, lines: report.lines, badLines: report.badLines, firstBad: report.firstBad, buckets: report.buckets };
    } finally {
      if (target.owned) target.store.close();
    }
  }

  // ---- time travel and recording --------------------------------------------------------------

  private history(): TimeTravel | undefined {
    const store = this.recording?.reader ?? this.source.history?.();
    return store ? new TimeTravel(store) : undefined;
  }

  private requireHistory(): TimeTravel {
    const history = this.history();
    if (!history) throw new ContractError('There is no recorded history to replay; turn recording on first.');
    return history;
  }

  private timeline(): Timeline {
    const canRecord = this.source instanceof LiveClusterSource;
    const recording = this.recording ? { recording: this.recording.status(true) } : {};
    const at = this.replayAt !== undefined ? { at: this.replayAt } : {};
    return this.history()?.timeline({ canRecord, ...recording, ...at }) ?? { density: [], gaps: [], marks: [], canRecord, ...recording, ...at };
  }

  private pushTimeline(): Timeline {
    const timeline = this.timeline();
    this.emit('timeline.changed', timeline);
    return timeline;
  }

  private showMoment(history: TimeTravel, t: number): Timeline {
    this.replayAt = t;
    const traffic = history.trafficBefore(t);
    this.draw({ objects: history.objectsAt(t) }, trafficWindowOf(traffic.buckets, traffic.window), undefined, true);
    return this.pushTimeline();
  }

  private startRecording(): Timeline {
    const source = this.source;
    if (!(source instanceof LiveClusterSource)) throw new ContractError('Only a live context can be recorded.');
    if (this.recording) return this.timeline();
    const path = `${recordingsDir()}/${recordingFileName(source.context, this.now())}`;
    // The timeline's density and the status bar's size follow the recording as it grows.
    this.recording = LiveRecording.start(source, path, {
      ...(this.options.retain ? { retain: this.options.retain } : {}),
      sync: this.lastUpdate,
      onChange: () => {
        this.pushTimeline();
        this.refreshStatus();
      },
    });
    this.refreshStatus();
    return this.pushTimeline();
  }

  private stopRecording(): void {
    const recording = this.recording;
    if (!recording) return;
    // The traffic buckets still filling belong to this recording: they are handed on before it ends.
    this.traffic?.flush();
    this.recording = undefined;
    recording.stop();
    this.traffic?.resetAttribution();
    this.replayAt = undefined;
    this.draw(this.liveState, this.liveTraffic, undefined, true);
  }

  private async switchTo(choice: SourceChoice): Promise<void> {
    const catalog = this.options.catalog;
    if (!catalog) throw new ContractError('This session has a fixed source; start Strata without --manifests to switch contexts.');
    const next = catalog.create(choice);
    // Traffic found in the old cluster goes with it; a Relay given with --hubble stays.
    if (!this.options.flows) await this.stopTraffic();
    this.stopRecording();
    this.replayAt = undefined;
    await this.source.stop();
    this.source = next;
    // The old picture is of another cluster: never show it under the new name, nor attribute flows with it.
    this.traffic?.resetAttribution();
    this.apply({ state: { objects: [] }, sync: 'connecting', notices: [] });
    this.pacer.flush();
    await this.startSource(next);
  }

  private async startSource(source: TopologySource): Promise<void> {
    try {
      await source.start((update) => {
        if (source === this.source) this.apply(update);
      });
    } catch (error) {
      if (source !== this.source) return;
      this.apply({ state: { objects: [] }, sync: 'error', message: (error as Error).message, notices: [] });
      if (!(error instanceof Error) || error.constructor === Error) console.error(error);
    }
  }

  private statusFor(update: Omit<SourceUpdate, 'state'>): SessionStatus {
    // The status follows every source update: counting must not merge a 150,000-pod topology each time.
    const size = this.drawn.size();
    const problems = this.diagnostics.problemCount();
    const { kind, label, context, namespaces } = this.source;
    return {
      source: { kind, label, ...(context ? { context } : {}), ...(namespaces?.length ? { namespaces: [...namespaces] } : {}) },
      ...(this.replayAt !== undefined ? { replay: { at: this.replayAt } } : {}),
      ...(this.recording ? { recording: this.recording.status() } : {}),
      sync: update.sync,
      ...(update.message ? { message: update.message } : {}),
      notices: [...this.drawn.notices(), ...update.notices, ...(this.traffic?.notices() ?? [])],
      counts: { objects: this.drawn.state.objects.length, ...size },
      ...(problems !== undefined ? { problems } : {}),
      updatedAt: this.now().toISOString(),
      revision: this.revision,
    };
  }

  private apply(update: SourceUpdate): void {
    const { state: _state, traffic: _traffic, changes: _changes, ...rest } = update;
    if (rest.sync !== this.lastUpdate.sync) this.recording?.sourceStatus(rest.sync, rest.message);
    this.lastUpdate = rest;
    // While a past moment is shown, the present is kept, not drawn.
    if (!update.state || this.replayAt !== undefined) this.refreshStatus();
    if (!update.state) return;
    this.liveState = update.state;
    // A source's own traffic (a recording's) goes with its state; a flow source's is drawn as of its last tick.
    this.liveTraffic = update.traffic ? trafficWindowOf(update.traffic.buckets, update.traffic.window) : this.traffic ? this.liveTraffic : undefined;
    this.traffic?.presentChanged(update.changes);
    this.discoverHubble(update.changes);
    // The revision sends the status with it.
    if (this.replayAt === undefined) this.draw(update.state, this.liveTraffic, update.changes);
  }

  /**
   * Draws a state (and its traffic) as the next revision: at once after a quiet spell or when the
   * user asked (`now`), else with whatever else comes before the pacer's interval ends. The live
   * source's changes are gathered meanwhile, so that its topology is still brought forward by them.
   */
  private draw(state: ClusterState, traffic?: TrafficWindow, changes?: readonly ObjectChange[], now = false): void {
    const pending = this.pending;
    const base = pending?.state ?? this.drawn.state;
    let since: readonly ObjectChange[] | undefined;
    if (state === base) since = pending ? pending.changes : [];
    else if (changes && (!pending || pending.changes)) since = pending ? pending.changes!.concat(changes) : changes;
    this.pending = { state, ...(traffic ? { traffic } : {}), ...(since ? { changes: since } : {}) };
    if (now) this.pacer.flush();
    else this.pacer.request();
  }

  /** A new revision of what is drawn: clients are told its number, and ask for the part they draw. False when nothing waited. */
  private publish(): boolean {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      // A state that cannot be drawn must not end the session (this runs in a timer): the status says so.
      if (!this.drawn.draw(pending.state, pending.traffic, { live: pending.state === this.liveState, changes: pending.changes, at: this.replayAt, namespaces: this.source.namespaces })) {
        this.refreshStatus();
        return true;
      }
    } else if (this.findingsChanged) this.drawn.invalidate();
    else return false;
    this.findingsChanged = false;
    this.revision += 1;
    this.emit('topology.changed', { revision: this.revision });
    // The status counts what is drawn, and the problems found in it.
    this.refreshStatus();
    return true;
  }

  private topology(): Topology {
    return this.drawn.topology();
  }

  private snapshot(): TopologySnapshot {
    return { revision: this.revision, topology: this.topology() };
  }

  private refreshStatus(): void {
    // The status describes the picture drawn (its counts, its sync): while a revision waits, so does
    // its status, which the revision sends.
    if (this.pending) return;
    this.status = this.statusFor(this.lastUpdate);
    this.emit('session.changed', this.status);
  }

  private emit<E extends EventName>(name: E, payload: ContractEvents[E]): void {
    for (const listener of this.listeners) listener(name, payload);
  }
}
