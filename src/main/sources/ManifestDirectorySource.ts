import { watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import { synthesizeOfflineState } from '../../core/offline/synthesizeOfflineState';
import { readManifestDirectory } from '../manifests/readManifestDirectory';
import { noticesFromManifestNotes } from './noticesFromManifestNotes';
import type { SourceUpdate, TopologySource } from './TopologySource';

/** Editors write a file in several steps; wait for the burst to settle before re-reading. */
const RELOAD_DELAY_MS = 150;

/**
 * A folder of manifests, drawn as the cluster they would make. The folder is watched, so a
 * reviewer editing a manifest sees the picture change without reloading.
 */
export class ManifestDirectorySource implements TopologySource {
  readonly kind = 'manifests';
  readonly label: string;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private loading: Promise<void> = Promise.resolve();
  private last?: SourceUpdate;

  constructor(private readonly dir: string) {
    this.dir = resolve(dir);
    this.label = this.dir;
  }

  async start(onUpdate: (update: SourceUpdate) => void): Promise<void> {
    await this.load(onUpdate);
    this.watcher = watch(this.dir, { recursive: true }, () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.loading = this.loading.then(() => this.load(onUpdate));
      }, RELOAD_DELAY_MS);
    });
    this.watcher.on('error', (error) => this.fail(onUpdate, `Strata stopped watching ${this.dir} (${error.message}); restart it to see later changes.`));
  }

  /** The first load throws, so that a wrong folder is a clear startup error; later failures keep the last picture. */
  private async load(onUpdate: (update: SourceUpdate) => void): Promise<void> {
    let manifests;
    try {
      manifests = await readManifestDirectory(this.dir);
    } catch (error) {
      if (!this.last) throw error;
      this.fail(onUpdate, `${(error as Error).message} Showing the manifests as they were last read.`);
      return;
    }
    const notices = noticesFromManifestNotes(manifests.notes);
    const message = manifests.objects.length === 0 ? `No Kubernetes objects found in ${manifests.files} manifest file${manifests.files === 1 ? '' : 's'} under ${this.dir}.` : undefined;
    this.last = { state: synthesizeOfflineState(manifests.objects), sync: 'loaded', notices, ...(message ? { message } : {}) };
    onUpdate(this.last);
  }

  private fail(onUpdate: (update: SourceUpdate) => void, message: string): void {
    onUpdate({ state: this.last?.state ?? { objects: [] }, notices: this.last?.notices ?? [], sync: 'error', message });
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.watcher?.close();
    await this.loading;
  }
}
