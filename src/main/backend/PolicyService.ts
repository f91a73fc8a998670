import { ConnectivityCache, workloadConnectivity, type ConnectivityEntry } from '../../core/policy/connectivity';
import { PolicyEngine } from '../../core/policy/PolicyEngine';
import { PolicyOverlayCache, policyOverlay } from '../../core/policy/policyOverlay';
import { reachPath, ReachQueryError } from '../../core/policy/reachPath';
import { parseWhatIfPolicies, previewPolicies, WhatIfError, withPolicies } from '../../core/policy/whatIf';
import type { PolicyOptionsParam, WhatIfPreview } from '../../shared/contract';
import { ContractError } from '../../shared/contract';
import { idOf, type KubeObject } from '../../shared/kube';
import type { PolicyOverlay, ReachQuery, ReachResult, Topology } from '../../shared/model';

/**
 * The policy requests, answered over whatever is drawn (live, a replayed moment, or manifests),
 * so "can A reach B?" means "at the moment on screen". One engine per drawn revision and options;
 * what-if previews of that revision share its connectivity list and only judge again what the
 * pasted policies select.
 */
export class PolicyService {
  private cached?: { revision: number; key: string; engine: PolicyEngine; topology: Topology; list?: { entries: ConnectivityEntry[]; cache: ConnectivityCache } };
  /** What the Policies layer of the revisions before worked out; a what-if preview, of other policies, does without. */
  private readonly overlays = new PolicyOverlayCache();

  constructor(
    private readonly drawn: () => { revision: number; objects: KubeObject[]; topology: Topology },
    /** Policy changes recorded in a time range, when there is a recording. */
    private readonly policyChanges: (from: number, to: number) => { id: string; t: number }[] = () => [],
  ) {}

  /** The policy changes within the time the drawn traffic covers. */
  private changesDuringTraffic(topology: Topology): { id: string; t: number }[] {
    let from = Infinity;
    let to = -Infinity;
    for (const edge of topology.edges) {
      if (!edge.observed) continue;
      from = Math.min(from, edge.observed.first);
      to = Math.max(to, edge.observed.last);
    }
    return from <= to ? this.policyChanges(from - 1, to) : [];
  }

  private current(options: PolicyOptionsParam = {}) {
    const { revision, objects, topology } = this.drawn();
    const key = JSON.stringify(options);
    if (this.cached?.revision !== revision || this.cached.key !== key) this.cached = { revision, key, engine: new PolicyEngine(objects, options), topology };
    return this.cached;
  }

  overlay(options?: PolicyOptionsParam): PolicyOverlay {
    const { engine, topology } = this.current(options);
    return policyOverlay(engine, topology, this.changesDuringTraffic(topology), this.overlays);
  }

  /** With `whatIf`, the question is answered as if the pasted policies were applied. */
  reach(query: ReachQuery, options?: PolicyOptionsParam, whatIf?: string): ReachResult {
    const { engine } = this.current(options);
    try {
      return reachPath(whatIf ? new PolicyEngine(withPolicies(engine.objects, pasted(whatIf)), engine.options) : engine, query);
    } catch (error) {
      if (error instanceof ReachQueryError) throw new ContractError(error.message);
      throw error;
    }
  }

  private list(options?: PolicyOptionsParam) {
    const current = this.current(options);
    if (!current.list) {
      const cache = new ConnectivityCache();
      current.list = { entries: workloadConnectivity(current.engine, {}, cache), cache };
    }
    return { list: current.list.entries, cache: current.list.cache };
  }

  whatIf(yaml: string, options?: PolicyOptionsParam): WhatIfPreview {
    const { engine, topology } = this.current(options);
    const policies = pasted(yaml);
    const preview = previewPolicies(engine, policies, {}, this.list(options));
    return {
      policies: policies.map(idOf),
      changes: preview.changes.map((c) => ({ source: c.source, destination: c.destination, ...(c.gained ? { gained: String(c.gained) } : {}), ...(c.lost ? { lost: String(c.lost) } : {}) })),
      problems: preview.problems.flatMap((p) => p.problems.map((problem) => `${p.id}: ${problem}`)),
      overlay: policyOverlay(preview.engine, topology, this.changesDuringTraffic(topology)),
    };
  }
}

function pasted(yaml: string): KubeObject[] {
  try {
    return parseWhatIfPolicies(yaml, 'the pasted policy');
  } catch (error) {
    if (error instanceof WhatIfError) throw new ContractError(error.message);
    throw error;
  }
}
