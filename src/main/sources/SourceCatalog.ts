import type { ContextList, SourceChoice } from '../../shared/contract';
import { KubeconfigError, listContexts, loadKubeconfig, locateKubeconfig, NoKubeconfigError, type LoadedKubeconfig } from '../cluster/kubeconfig';
import { LiveClusterSource, type LiveClusterOptions } from '../cluster/LiveClusterSource';
import { DemoSource } from './DemoSource';
import { parseDuration, parseMoment } from '../../core/history/timeExpressions';
import { ManifestDirectorySource } from './ManifestDirectorySource';
import { RecordingSource } from './RecordingSource';
import type { TopologySource } from './TopologySource';

export interface SourceOptions {
  demo?: boolean;
  manifests?: string;
  /** A recording or bundle, shown at `at` (a moment: RFC 3339 or relative like -15m). */
  db?: string;
  at?: string;
  /** With --db: how far back from --at observed traffic is drawn, e.g. 5m. */
  window?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
}

/** A mistake in how Strata was called; the CLI exits with code 2 for these. */
export class UsageError extends Error {}

/** Tuning for live sources (tests shorten the intervals). */
export type LiveTuning = Omit<LiveClusterOptions, 'kubeconfig' | 'context' | 'namespaces'>;

/**
 * The sources a session can show, and the kubeconfig they come from. The kubeconfig is read
 * again on every call, as kubectl does, so a context added meanwhile is there.
 */
export class SourceCatalog {
  constructor(
    private readonly kubeconfigFlag?: string,
    private readonly tuning: LiveTuning = {},
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private load(): LoadedKubeconfig {
    return loadKubeconfig(locateKubeconfig(this.kubeconfigFlag, this.env));
  }

  contexts(): ContextList {
    try {
      const loaded = this.load();
      return { contexts: listContexts(loaded).map(({ user: _user, ...entry }) => entry), files: loaded.files };
    } catch (error) {
      if (error instanceof KubeconfigError) return { contexts: [], files: [], error: error.message };
      throw error;
    }
  }

  create(choice: SourceChoice): TopologySource {
    if (choice.kind === 'demo') return new DemoSource();
    if (choice.kind === 'recording') return new RecordingSource(choice.path);
    return new LiveClusterSource({ ...this.tuning, kubeconfig: this.load(), context: choice.name, namespaces: choice.namespaces ?? [] });
  }

  /**
   * The source the command line asks for: --demo, --manifests, or a context (--context, or the
   * kubeconfig's current one). With nothing asked and no kubeconfig, the demo.
   */
  fromOptions(options: SourceOptions): TopologySource {
    const live = options.kubeconfig !== undefined || options.context !== undefined || (options.namespace?.length ?? 0) > 0;
    const recording = options.db !== undefined;
    if ([options.demo, options.manifests !== undefined, recording, live && !recording].filter(Boolean).length > 1) {
      throw new UsageError('Choose one source: --demo, --manifests DIR, --db FILE, or a cluster (--kubeconfig/--context/--namespace).');
    }
    if ((options.at !== undefined || options.window !== undefined) && !recording) throw new UsageError('--at and --window go with --db: they pick a moment of a recording.');
    if (recording) {
      const at = options.at === undefined ? undefined : parseMoment(options.at, Date.now());
      if (options.at !== undefined && at === undefined) throw new UsageError(`--at ${options.at} is not a time; use an RFC 3339 timestamp (2026-11-23T02:13:00Z) or a relative time (-15m).`);
      const windowMs = options.window === undefined ? undefined : parseDuration(options.window);
      if (options.window !== undefined && windowMs === undefined) throw new UsageError(`--window ${options.window} is not a duration; use e.g. 5m.`);
      return new RecordingSource(options.db!, { ...(at !== undefined ? { at } : {}), ...(windowMs !== undefined ? { windowMs } : {}), namespaces: options.namespace ?? [] });
    }
    if (options.manifests !== undefined) return new ManifestDirectorySource(options.manifests);
    if (options.demo) return new DemoSource();
    let loaded: LoadedKubeconfig;
    try {
      loaded = this.load();
    } catch (error) {
      if (error instanceof NoKubeconfigError && !live) return new DemoSource();
      throw error;
    }
    if (!live && !loaded.config.currentContext) return new DemoSource();
    return new LiveClusterSource({ ...this.tuning, kubeconfig: loaded, context: options.context, namespaces: options.namespace ?? [] });
  }
}
