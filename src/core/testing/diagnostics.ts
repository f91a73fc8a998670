/** Runs diagnostic rules over a handful of objects, for the rules' own tests. */
import type { Finding } from '../../shared/diagnostics';
import type { KubeObject } from '../../shared/kube';
import type { AnyRule } from '../diagnostics/DiagnosticContext';
import { diagnose } from '../diagnostics/IncrementalDiagnostics';

/** A fixed clock for rules that compare with the time: 2026-11-23 02:13:00 UTC. */
export const TEST_NOW = Date.parse('2026-11-23T02:13:00Z');

/** The findings of one rule (or several) over `objects`, as a cluster would hold them. */
export function findingsOf(rules: AnyRule | readonly AnyRule[], objects: readonly KubeObject[], now = TEST_NOW): Finding[] {
  const list: readonly AnyRule[] = Array.isArray(rules) ? rules : [rules as AnyRule];
  return diagnose({ objects }, { rules: list, clock: () => now }).findings;
}
