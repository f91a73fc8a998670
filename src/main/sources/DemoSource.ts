import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePlacement } from '../../core/offline/parsePlacement';
import { synthesizeOfflineState } from '../../core/offline/synthesizeOfflineState';
import { recordDemoIncident } from '../demo/demoIncident';
import { readManifestDirectory } from '../manifests/readManifestDirectory';
import type { RecordingStore } from '../store/RecordingStore';
import { DEFAULT_TRAFFIC_WINDOW_MS } from '../../core/flows/observedTraffic';
import { noticesFromManifestNotes } from './noticesFromManifestNotes';
import { resourcesDir } from './resources';
import type { SourceUpdate, TopologySource } from './TopologySource';

/** The bundled demo cluster: manifests plus the pod placement a live cluster would have. */
export class DemoSource implements TopologySource {
  readonly kind = 'demo';
  readonly label = 'Demo cluster (bundled shop)';

  private incident?: RecordingStore;

  constructor(
    private readonly dir = join(resourcesDir(), 'demo'),
    private readonly now: () => number = Date.now,
  ) {}

  async start(onUpdate: (update: SourceUpdate) => void): Promise<void> {
    const manifests = await readManifestDirectory(join(this.dir, 'cluster'));
    const placement = parsePlacement(await readFile(join(this.dir, 'placement.yaml'), 'utf8'));
    // The last half hour of the demo cluster, recorded, for the timeline to replay.
    const now = this.now();
    this.incident = recordDemoIncident(manifests.objects, placement, now);
    const window = { from: now - DEFAULT_TRAFFIC_WINDOW_MS, to: now };
    onUpdate({
      state: synthesizeOfflineState(manifests.objects, placement),
      traffic: { buckets: this.incident.flowBuckets(window.from, window.to), window },
      sync: 'loaded',
      notices: noticesFromManifestNotes(manifests.notes),
    });
  }

  history(): RecordingStore | undefined {
    return this.incident;
  }

  async stop(): Promise<void> {
    this.incident?.close();
  }
}
