import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePlacement } from '../../core/offline/parsePlacement';
import { synthesizeOfflineState } from '../../core/offline/synthesizeOfflineState';
import { readManifestDirectory } from '../manifests/readManifestDirectory';
import { noticesFromManifestNotes } from './noticesFromManifestNotes';
import { resourcesDir } from './resources';
import type { SourceUpdate, TopologySource } from './TopologySource';

/** The bundled demo cluster: manifests plus the pod placement a live cluster would have. */
export class DemoSource implements TopologySource {
  readonly kind = 'demo';
  readonly label = 'Demo cluster (bundled shop)';

  constructor(private readonly dir = join(resourcesDir(), 'demo')) {}

  async start(onUpdate: (update: SourceUpdate) => void): Promise<void> {
    const manifests = await readManifestDirectory(join(this.dir, 'cluster'));
    const placement = parsePlacement(await readFile(join(this.dir, 'placement.yaml'), 'utf8'));
    onUpdate({ state: synthesizeOfflineState(manifests.objects, placement), sync: 'loaded', notices: noticesFromManifestNotes(manifests.notes) });
  }

  async stop(): Promise<void> {}
}
