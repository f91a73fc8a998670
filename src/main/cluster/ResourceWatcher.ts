import { MalformedObjectError, stripObject } from '../../core/kube/strip';
import type { KubeObject, ObjectChange } from '../../shared/kube';
import { Backoff, sleep } from './backoff';
import type { KubeApiClient, WatchEvent } from './KubeApiClient';
import { asKubeApiError, KubeApiError } from './KubeApiError';
import { collectionPath, groupVersion, objectKey, type WatchedResource } from './resources';

export type WatcherPhase = 'listing' | 'watching' | 'relisting' | 'retrying' | 'forbidden' | 'stopped';

export interface WatcherListener {
  changed(watcher: ResourceWatcher, changes: readonly ObjectChange[]): void;
  phaseChanged(watcher: ResourceWatcher): void;
}

export interface WatcherOptions {
  pageSize?: number;
  /** How long the server keeps each watch open; random in a range, as client-go does, so watches don't end together. */
  watchTimeoutSeconds?: () => number;
  backoff?: Backoff;
  /** How often to ask again for a kind RBAC forbids: permissions may be granted while Strata runs. */
  forbiddenRetryMs?: number;
}

interface ListPage {
  metadata: { resourceVersion?: string; continue?: string };
  items: Record<string, unknown>[];
}

/**
 * List+watch of one resource (cluster-wide or in one namespace), keeping a cache of stripped
 * objects. Lists are paged; watches resume from the last resourceVersion seen (bookmarks
 * included), so a dropped connection loses and repeats nothing; a 410 means a fresh list, whose
 * differences from the cache are reported as changes. Errors are retried with jittered backoff.
 */
export class ResourceWatcher {
  readonly objects = new Map<string, KubeObject>();
  phase: WatcherPhase = 'listing';
  /** The last failure, while the watcher is retrying or forbidden. */
  error?: KubeApiError;
  /** True once the first full list is in the cache. */
  synced = false;
  private resourceVersion?: string;
  private readonly abort = new AbortController();
  private running?: Promise<void>;
  private readonly pageSize: number;
  private readonly watchTimeout: () => number;
  private readonly backoff: Backoff;
  private readonly forbiddenRetryMs: number;
  private readonly path: string;
  private readonly apiVersion: string;

  constructor(
    private readonly client: KubeApiClient,
    readonly resource: WatchedResource,
    readonly namespace: string | undefined,
    private readonly listener: WatcherListener,
    options: WatcherOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 500;
    this.watchTimeout = options.watchTimeoutSeconds ?? (() => 300 + Math.floor(Math.random() * 300));
    this.backoff = options.backoff ?? new Backoff();
    this.forbiddenRetryMs = options.forbiddenRetryMs ?? 60_000;
    this.path = collectionPath(resource, namespace);
    this.apiVersion = groupVersion(resource);
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.setPhase('stopped');
  }

  private setPhase(phase: WatcherPhase, error?: KubeApiError): void {
    if (this.phase === phase && this.error === error) return;
    this.phase = phase;
    this.error = error;
    this.listener.phaseChanged(this);
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.list(signal);
        await this.watch(signal);
      } catch (caught) {
        if (signal.aborted) return;
        const error = asKubeApiError(caught);
        if (error.kind === 'gone') {
          // Our resourceVersion is older than the server's history: only a fresh list is right.
          this.resourceVersion = undefined;
          continue;
        }
        if (error.kind === 'forbidden' || error.kind === 'not-found') {
          this.setPhase('forbidden', error);
          await sleep(this.forbiddenRetryMs, signal);
          continue;
        }
        this.setPhase('retrying', error);
        await sleep(this.backoff.next(), signal);
      }
    }
  }

  /** The group of the resource decides what an object is: a Calico NetworkPolicy becomes an UnmodelledPolicy. */
  private strip(raw: Record<string, unknown>): KubeObject | undefined {
    try {
      return stripObject(raw, this.resource.kind, this.apiVersion);
    } catch (error) {
      // One object no API server would send (no name, not an object) must not keep the kind from syncing.
      if (error instanceof MalformedObjectError) return undefined;
      throw error;
    }
  }

  private keyOf(object: KubeObject): string {
    return objectKey(this.resource, object.metadata.namespace, object.metadata.name);
  }

  /** A full, paged list; its differences from the cache become changes. */
  private async list(signal: AbortSignal): Promise<void> {
    this.setPhase(this.synced ? 'relisting' : 'listing', this.error);
    const fresh = new Map<string, KubeObject>();
    let resourceVersion: string | undefined;
    let token: string | undefined;
    do {
      let page: ListPage;
      try {
        page = await this.client.get<ListPage>(this.path, { limit: String(this.pageSize), continue: token }, signal);
      } catch (error) {
        // The continue token outlived the server's history: start the list again from the top.
        if (error instanceof KubeApiError && error.kind === 'gone' && token) {
          fresh.clear();
          token = undefined;
          continue;
        }
        throw error;
      }
      resourceVersion ??= page.metadata.resourceVersion;
      for (const item of page.items) {
        const object = this.strip(item);
        if (object) fresh.set(this.keyOf(object), object);
      }
      token = page.metadata.continue || undefined;
    } while (token);

    const changes: ObjectChange[] = [];
    for (const [key, old] of this.objects) if (!fresh.has(key)) changes.push({ type: 'deleted', key, object: old });
    for (const [key, object] of fresh) {
      const old = this.objects.get(key);
      if (!old) changes.push({ type: 'added', key, object });
      else if (old.metadata.resourceVersion !== object.metadata.resourceVersion) changes.push({ type: 'modified', key, object });
    }
    this.objects.clear();
    for (const [key, object] of fresh) this.objects.set(key, object);
    this.resourceVersion = resourceVersion ?? '0';
    const first = !this.synced;
    this.synced = true;
    // The first list is news even when empty: the kind is now known to have nothing.
    if (changes.length > 0 || first) this.listener.changed(this, changes);
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const query = { resourceVersion: this.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(this.watchTimeout()) };
    const opened = () => {
      this.backoff.reset();
      this.setPhase('watching');
    };
    await this.client.watch(this.path, query, (event) => this.apply(event), signal, opened);
  }

  private apply(event: WatchEvent): void {
    const rv = (event.object.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; message?: string };
      throw new KubeApiError(status.code === 410 ? 'gone' : 'server', status.message ?? 'watch error', status.code);
    }
    if (rv) this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    const object = this.strip(event.object);
    if (!object) return;
    const key = this.keyOf(object);
    if (event.type === 'DELETED') {
      if (this.objects.delete(key)) this.listener.changed(this, [{ type: 'deleted', key, object }]);
      return;
    }
    const type = this.objects.has(key) ? 'modified' : 'added';
    this.objects.set(key, object);
    this.listener.changed(this, [{ type, key, object }]);
  }
}
