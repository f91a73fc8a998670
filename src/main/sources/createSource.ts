import { DemoSource } from './DemoSource';
import { ManifestDirectorySource } from './ManifestDirectorySource';
import type { TopologySource } from './TopologySource';

export interface SourceOptions {
  demo?: boolean;
  manifests?: string;
}

/** The source the user asked for; the demo when they asked for nothing else. */
export function createSource(options: SourceOptions): TopologySource {
  if (options.demo && options.manifests) throw new UsageError('Choose one source: --demo or --manifests, not both.');
  if (options.manifests) return new ManifestDirectorySource(options.manifests);
  return new DemoSource();
}

/** A mistake in how Strata was called; the CLI exits with code 2 for these. */
export class UsageError extends Error {}
