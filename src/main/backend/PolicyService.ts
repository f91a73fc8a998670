import { PolicyEngine } from '../../core/policy/PolicyEngine';
import { policyOverlay } from '../../core/policy/policyOverlay';
import { reachPath, ReachQueryError } from '../../core/policy/reachPath';
import { parseWhatIfPolicies, previewPolicies, WhatIfError } from '../../core/policy/whatIf';
import type { PolicyOptionsParam, WhatIfPreview } from '../../shared/contract';
import { ContractError } from '../../shared/contract';
import { idOf, type KubeObject } from '../../shared/kube';
import type { PolicyOverlay, ReachQuery, ReachResult, Topology } from '../../shared/model';

/**
 * The policy requests, answered over whatever is drawn (live, a replayed moment, or manifests),
 * so "can A reach B?" means "at the moment on screen". One engine per drawn revision and options.
 */
export class PolicyService {
  private cached?: { revision: number; key: string; engine: PolicyEngine };

  constructor(
    private readonly drawn: () => { revision: number; objects: KubeObject[]; topology: Topology },
    /** Policy changes recorded in a time range, when there is a recording. */
    private readonly policyChanges: (from: number, to: number) => { id: string; t: number }[] = () => [],
  ) {}

  /** The policy changes within the time the drawn traffic covers. */
  private changesDuringTraffic(topology: Topology): { id: string; t: number }[] {
    const observed = topology.edges.flatMap((e) => (e.observed ? [e.observed] : []));
    if (observed.length === 0) return [];
    return this.policyChanges(Math.min(...observed.map((o) => o.first)) - 1, Math.max(...observed.map((o) => o.last)));
  }

  private engine(options: PolicyOptionsParam = {}): { engine: PolicyEngine; topology: Topology } {
    const { revision, objects, topology } = this.drawn();
    const key = JSON.stringify(options);
    if (this.cached?.revision !== revision || this.cached.key !== key) this.cached = { revision, key, engine: new PolicyEngine(objects, options) };
    return { engine: this.cached.engine, topology };
  }

  overlay(options?: PolicyOptionsParam): PolicyOverlay {
    const { engine, topology } = this.engine(options);
    return policyOverlay(engine, topology, this.changesDuringTraffic(topology));
  }

  reach(query: ReachQuery, options?: PolicyOptionsParam): ReachResult {
    const { engine } = this.engine(options);
    try {
      return reachPath(engine, query);
    } catch (error) {
      if (error instanceof ReachQueryError) throw new ContractError(error.message);
      throw error;
    }
  }

  whatIf(yaml: string, options?: PolicyOptionsParam): WhatIfPreview {
    const { objects, topology } = this.drawn();
    let pasted: KubeObject[];
    try {
      pasted = parseWhatIfPolicies(yaml, 'the pasted policy');
    } catch (error) {
      if (error instanceof WhatIfError) throw new ContractError(error.message);
      throw error;
    }
    const preview = previewPolicies(objects, pasted, options);
    return {
      policies: pasted.map(idOf),
      changes: preview.changes.map((c) => ({ source: c.source, destination: c.destination, ...(c.gained ? { gained: String(c.gained) } : {}), ...(c.lost ? { lost: String(c.lost) } : {}) })),
      problems: preview.problems.flatMap((p) => p.problems.map((problem) => `${p.id}: ${problem}`)),
      overlay: policyOverlay(preview.engine, topology, this.changesDuringTraffic(topology)),
    };
  }
}
