import type { KubeConfig } from '@kubernetes/client-node';
import type { Notice } from '../../shared/contract';
import type { KubeObject, ObjectChange } from '../../shared/kube';
import type { SourceUpdate, TopologySource } from '../sources/TopologySource';
import { Backoff, sleep } from './backoff';
import { discoverResources } from './discoverResources';
import { KubeApiClient } from './KubeApiClient';
import { asKubeApiError, type KubeApiError } from './KubeApiError';
import { configForContext, type LoadedKubeconfig } from './kubeconfig';
import { displayKind, qualifiedName, WATCHED_RESOURCES, type WatchedResource } from './resources';
import { ResourceWatcher, type WatcherOptions } from './ResourceWatcher';

export interface LiveClusterOptions {
  kubeconfig: LoadedKubeconfig;
  /** The kubeconfig's current context when absent. */
  context?: string;
  /** Namespaces to show; all when empty. Cluster-scoped kinds are always watched cluster-wide. */
  namespaces?: readonly string[];
  /** How often discovery is asked again, so CRDs installed while Strata runs are picked up. */
  discoveryIntervalMs?: number;
  /** Changes arriving within this window are drawn together. */
  settleMs?: number;
  watcher?: WatcherOptions;
  /** How long a request may wait for the server's first byte before it is given up and retried (default 60 s). */
  requestTimeoutMs?: number;
  /** Receives every change the watchers see, for a recorder. */
  onChanges?: (changes: readonly ObjectChange[]) => void;
  /** How long the first lists may hold back the kinds judged against others (default 30 s; see holdingBack). */
  firstListWaitMs?: number;
}

const resourceId = (r: WatchedResource, namespace?: string) => `${qualifiedName(r)}@${namespace ?? '*'}`;

/**
 * The kinds that are judged against nothing else. Every other kind is judged against others: an
 * EndpointSlice against its pods, a Service against its slices and pods, a policy against the pods
 * it selects. Handed over before those are listed, each would be drawn as a problem (see holdingBack).
 */
const STANDALONE_KINDS = new Set(['Namespace', 'Node']);

/** A kind RBAC forbids (or the server no longer serves), also while it is asked for again now and then. */
const isForbidden = (w: ResourceWatcher) => w.phase === 'forbidden' || (!w.synced && (w.error?.kind === 'forbidden' || w.error?.kind === 'not-found'));

/** How many objects the watchers hold. */
function countOf(watchers: Iterable<ResourceWatcher>): number {
  let count = 0;
  for (const watcher of watchers) count += watcher.objects.size;
  return count;
}

/**
 * The watchers' objects in one list. At 150,000 pods the state is made up to ten times a second under
 * churn: written into a list of its final length, as pushing took three times as long (21 against 6 ms).
 */
function objectsOf(watchers: readonly ResourceWatcher[]): KubeObject[] {
  const objects = new Array<KubeObject>(countOf(watchers));
  let i = 0;
  for (const watcher of watchers) for (const object of watcher.objects.values()) objects[i++] = object;
  return objects;
}

/**
 * A live context: discovery, then one list+watch per resource (per namespace when scoped),
 * merged into one cluster state. Reports connecting → synced, resyncing while any watch recovers,
 * and error with the reason while the cluster cannot be reached, without ever dropping what it
 * already has. While the first lists run, only Namespaces and Nodes are handed over (see
 * holdingBack); a watch that fails before the first sync is an error, not a resync.
 */
export class LiveClusterSource implements TopologySource {
  readonly kind = 'context';
  readonly label: string;
  readonly context: string;
  readonly namespaces: readonly string[];
  private readonly watchers = new Map<string, ResourceWatcher>();
  private readonly abort = new AbortController();
  private onUpdate: (update: SourceUpdate) => void = () => {};
  private discoveryError?: KubeApiError;
  private discovered = false;
  /** Whether 'synced' has been reported: only then is an outage a resync of what is shown. */
  private everSynced = false;
  private timer?: NodeJS.Timeout;
  /** Set when the first lists have held kinds back for firstListWaitMs: then they are handed over. */
  private firstListsWaited = false;
  private firstListTimer?: NodeJS.Timeout;
  /** Changes to objects held back, in order, for when they are handed over; undefined when unknown (something is held then too). */
  private heldChanges: ObjectChange[] | undefined = [];
  /** Kinds whose objects were handed over. */
  private readonly handedOver = new Set<string>();
  private stateDirty = true;
  /** The watchers' changes since the last state handed over; unknown when a watcher was dropped whole. */
  private pendingChanges: ObjectChange[] | undefined = [];
  private loop?: Promise<void>;
  private client?: KubeApiClient;
  private readonly changeListeners = new Set<(changes: readonly ObjectChange[]) => void>();

  constructor(private readonly options: LiveClusterOptions) {
    this.context = options.context ?? options.kubeconfig.config.currentContext;
    this.namespaces = [...new Set(options.namespaces ?? [])].sort();
    this.label = this.namespaces.length ? `${this.context} (namespaces ${this.namespaces.join(', ')})` : this.context;
  }

  async start(onUpdate: (update: SourceUpdate) => void): Promise<void> {
    // A context naming a missing cluster or user fails here, before any request.
    const { config } = configForContext(this.options.kubeconfig, this.options.context);
    this.client = new KubeApiClient(config, this.options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: this.options.requestTimeoutMs });
    this.onUpdate = onUpdate;
    this.emitNow();
    this.loop = this.discoverForever(this.client);
  }

  /** Every change the watchers see, as it arrives (a recorder's input). */
  subscribeChanges(listener: (changes: readonly ObjectChange[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** The current state, for a recorder that starts while the source runs. */
  currentObjects(): KubeObject[] {
    return objectsOf([...this.watchers.values()]);
  }

  /** How many objects the watchers hold, without listing them (for a progress line every second). */
  objectCount(): number {
    return countOf(this.watchers.values());
  }

  /** The context's configuration, for port-forwarding to a pod (Hubble Relay). */
  kubeConfig(): KubeConfig {
    return configForContext(this.options.kubeconfig, this.options.context).config;
  }

  /** Which cluster this is, for recordings. Throws a KubeconfigError for a context that cannot be used. */
  identity(): { context: string; cluster: string; server: string; namespaces: readonly string[] } {
    const { cluster } = configForContext(this.options.kubeconfig, this.options.context);
    return { context: this.context, cluster: cluster.name, server: cluster.server, namespaces: this.namespaces };
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    clearTimeout(this.firstListTimer);
    await this.loop;
    await Promise.all([...this.watchers.values()].map((w) => w.stop()));
  }

  private async discoverForever(client: KubeApiClient): Promise<void> {
    const backoff = new Backoff();
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let wait = this.options.discoveryIntervalMs ?? 30_000;
      try {
        this.reconcile(await discoverResources(client, signal));
        this.discoveryError = undefined;
        this.discovered = true;
        backoff.reset();
      } catch (error) {
        if (signal.aborted) return;
        this.discoveryError = asKubeApiError(error);
        wait = Math.min(wait, backoff.next());
      }
      this.schedule();
      await sleep(wait, signal);
    }
  }

  /** Starts watchers for resources discovery shows, and stops (and forgets) those it no longer shows. */
  private reconcile(resources: readonly WatchedResource[]): void {
    // The first lists' wait starts with them, not with a discovery that may fail for a while.
    if (!this.firstListTimer) {
      this.firstListTimer = setTimeout(() => {
        this.firstListsWaited = true;
        this.schedule();
      }, this.options.firstListWaitMs ?? 30_000);
      this.firstListTimer.unref?.();
    }
    const wanted = new Map<string, { resource: WatchedResource; namespace?: string }>();
    for (const resource of resources) {
      const scopes = resource.namespaced && this.namespaces.length ? this.namespaces : [undefined];
      for (const namespace of scopes) wanted.set(resourceId(resource, namespace), { resource, namespace });
    }
    for (const [id, watcher] of this.watchers) {
      if (wanted.has(id)) continue;
      this.watchers.delete(id);
      void watcher.stop();
      this.stateDirty = true;
      this.pendingChanges = undefined;
    }
    for (const [id, { resource, namespace }] of wanted) {
      if (this.watchers.has(id)) continue;
      const watcher = new ResourceWatcher(this.client!, resource, namespace, {
        changed: (_watcher, changes) => {
          this.stateDirty = true;
          // A re-list reports every object at once: a spread of 150,000 arguments overflows the stack.
          if (this.pendingChanges) for (const change of changes) this.pendingChanges.push(change);
          this.options.onChanges?.(changes);
          for (const listener of this.changeListeners) listener(changes);
          this.schedule();
        },
        phaseChanged: () => this.schedule(),
      }, this.options.watcher);
      this.watchers.set(id, watcher);
      watcher.start();
    }
  }

  private schedule(): void {
    if (this.timer || this.abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emitNow();
    }, this.options.settleMs ?? 100);
  }

  private emitNow(): void {
    const update: SourceUpdate = { ...this.status(), notices: this.notices() };
    if (update.sync === 'synced' && !this.everSynced) {
      this.everSynced = true;
      clearTimeout(this.firstListTimer);
    }
    const holding = this.holdingBack();
    const held = (object: KubeObject) => holding && !STANDALONE_KINDS.has(object.kind) && !this.handedOver.has(object.kind);
    const pending = this.pendingChanges;
    // While holding back, the changes of what is held wait with it (unknown changes stay unknown,
    // and the states are compared at the release), and an update that changes only that hands nothing over.
    let handed = pending;
    if (holding && pending) {
      handed = [];
      for (const change of pending) {
        if (!held(change.object)) handed.push(change);
        else this.heldChanges?.push(change);
      }
    } else if (holding && this.stateDirty) this.heldChanges = undefined;
    const releasing = !holding && (this.heldChanges === undefined || this.heldChanges.length > 0);
    if ((this.stateDirty && !(holding && handed?.length === 0)) || releasing) {
      // Watcher by watcher: each holds objects of one kind (a CNI's policies all UnmodelledPolicy).
      const handing: ResourceWatcher[] = [];
      for (const watcher of this.watchers.values()) {
        const first = watcher.objects.values().next().value;
        if (!first || held(first)) continue;
        handing.push(watcher);
        this.handedOver.add(first.kind);
      }
      update.state = { objects: objectsOf(handing) };
      if (releasing) {
        if (handed && this.heldChanges) update.changes = this.heldChanges.concat(handed);
        this.heldChanges = [];
      } else if (handed) update.changes = handed;
    }
    this.pendingChanges = [];
    this.stateDirty = false;
    this.onUpdate(update);
  }

  /**
   * Whether kinds are held back now: while any first list runs, every kind but the standalone ones
   * (those handed over already aside), so that what is listed early is not drawn against what is
   * not listed yet. At 150,000 pods, drawn as they came, the 10,000 EndpointSlices pointed at pods
   * not listed yet (13,027 nodes and 22,550 edges, mostly missing pods), and held back alone, their
   * 10,000 Services had no endpoints. Only before the first sync, and not past firstListWaitMs,
   * which a list that keeps failing or restarting could outlast. A kind handed over is never held
   * back again: the backend would see its objects go.
   */
  private holdingBack(): boolean {
    if (this.everSynced || this.firstListsWaited) return false;
    return [...this.watchers.values()].some((w) => !w.synced && !isForbidden(w));
  }

  private status(): Pick<SourceUpdate, 'sync' | 'message' | 'needsUserAction'> {
    const watchers = [...this.watchers.values()];
    const failing = watchers.find((w) => w.phase === 'retrying');
    const error = (cause: KubeApiError) => ({ sync: 'error' as const, message: `${cause.message} Retrying.`, needsUserAction: cause.needsUserAction });
    if (!this.discovered) {
      if (this.discoveryError) return error(this.discoveryError);
      return { sync: 'connecting', message: `Connecting to ${this.client?.target.server ?? 'the cluster'}…` };
    }
    const listing = watchers.filter((w) => !w.synced && !isForbidden(w));
    if (listing.length) {
      // A first list that failed stays an error while it is retried (between attempts its phase is 'listing' again).
      const failedList = listing.find((w) => w.error);
      if (failedList) return error(failedList.error!);
      const names = [...new Set(listing.map((w) => w.resource.plural))];
      return { sync: 'connecting', message: `Listing ${names.join(', ')}…` };
    }
    // Before the first sync the picture was never whole: an outage then is an error, not a resync.
    const outage = failing?.error ?? this.discoveryError;
    if (outage && !this.everSynced) return error(outage);
    if (failing) return { sync: 'resyncing', message: `${failing.error!.message} Retrying; showing what was last seen.` };
    if (this.discoveryError) return { sync: 'resyncing', message: `${this.discoveryError.message} Retrying.` };
    const relisting = watchers.find((w) => w.phase === 'relisting');
    if (relisting) return { sync: 'resyncing', message: `Re-listing ${relisting.resource.plural}: the watch fell too far behind.` };
    return { sync: 'synced' };
  }

  private notices(): Notice[] {
    const notices: Notice[] = [];
    const user = this.client?.target.user ?? '';
    for (const watcher of this.watchers.values()) {
      if (!isForbidden(watcher)) continue;
      const where = watcher.namespace ? ` in namespace ${watcher.namespace}` : '';
      // A CNI's policies are only counted, but a count that misses them is wrong all the same.
      const unseen = watcher.resource.countedAs ? 'not counted' : 'not shown';
      notices.push({
        severity: 'warning',
        message: `RBAC forbids list and watch on ${qualifiedName(watcher.resource)}${where} for user "${user}", so ${displayKind(watcher.resource)} objects are ${unseen}; grant get, list and watch on it to see them.`,
      });
    }
    const gatewayKinds = WATCHED_RESOURCES.filter((r) => r.optional && r.group === 'gateway.networking.k8s.io');
    if (this.discovered && !gatewayKinds.some((r) => [...this.watchers.values()].some((w) => w.resource.plural === r.plural))) {
      notices.push({ severity: 'info', message: 'Gateway API (gateway.networking.k8s.io/v1) is not installed; Gateways and routes appear as soon as it is.' });
    }
    return notices;
  }
}
