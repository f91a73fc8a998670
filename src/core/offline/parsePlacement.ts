import { parse } from 'yaml';
import type { Placement, PodPlacement } from './synthesizeOfflineState';

/**
 * Reads a placement file: workload id → one entry per pod, either a Node name or
 * `{node, ready?, terminating?, ip?}`. Throws with the offending workload named.
 */
export function parsePlacement(text: string): Placement {
  const raw: unknown = parse(text) ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('placement must map workload ids to lists of pods');
  const out: Record<string, PodPlacement[]> = {};
  for (const [workload, pods] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(pods)) throw new Error(`placement of ${workload} must be a list of pods`);
    out[workload] = pods.map((entry, i): PodPlacement => {
      if (typeof entry === 'string') return { node: entry };
      const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      if (typeof e.node !== 'string') throw new Error(`placement of ${workload}, pod ${i + 1}, has no node`);
      return {
        node: e.node,
        ...(typeof e.ready === 'boolean' ? { ready: e.ready } : {}),
        ...(typeof e.terminating === 'boolean' ? { terminating: e.terminating } : {}),
        ...(typeof e.ip === 'string' ? { ip: e.ip } : {}),
      };
    });
  }
  return out;
}
