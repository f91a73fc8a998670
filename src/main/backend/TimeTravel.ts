import { diffStates } from '../../core/history/diffStates';
import { withObservedTraffic } from '../../core/flows/observedTraffic';
import { buildTopology } from '../../core/topology/buildTopology';
import type { Comparison, Timeline } from '../../shared/contract';
import { idOf, type KubeObject } from '../../shared/kube';
import type { Topology } from '../../shared/model';
import { DEFAULT_TRAFFIC_WINDOW_MS } from '../../core/flows/observedTraffic';
import type { ObservedWindow } from '../sources/TopologySource';
import type { RecordingStore } from '../store/RecordingStore';

const DENSITY_BUCKETS = 240;
const POLICY_KINDS = new Set(['NetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy']);

/** Topology B with what A had and B lost, so the compare view can draw removals too. */
function union(a: Topology, b: Topology): Topology {
  const ids = new Set(b.nodes.map((n) => n.id));
  const nodes = [...b.nodes, ...a.nodes.filter((n) => !ids.has(n.id))];
  const all = new Set(nodes.map((n) => n.id));
  const edgeIds = new Set(b.edges.map((e) => e.id));
  const edges = [...b.edges, ...a.edges.filter((e) => !edgeIds.has(e.id) && all.has(e.source) && all.has(e.target))];
  return { nodes, edges };
}

/**
 * Reads a recording for the timeline: density, gaps and marks, the state at a moment, the next
 * or previous change, and two moments compared. Pure reads; the backend decides what is shown.
 */
export class TimeTravel {
  constructor(private readonly store: RecordingStore) {}

  timeline(extra: Pick<Timeline, 'canRecord' | 'recording'> & { at?: number }): Timeline {
    const span = this.store.span();
    const marks = this.store.database.prepare('SELECT t, label FROM marks ORDER BY t').all() as { t: number; label: string }[];
    return {
      ...(span ? { span } : {}),
      density: span ? this.store.density(span.from, span.to + 1, DENSITY_BUCKETS) : [],
      gaps: this.store.gaps(),
      marks,
      ...extra,
    };
  }

  objectsAt(t: number): KubeObject[] {
    return [...this.store.stateAt(t).values()];
  }

  /** The traffic drawn with the moment t: the flows of the window before it. */
  trafficBefore(t: number, windowMs = DEFAULT_TRAFFIC_WINDOW_MS): ObservedWindow {
    const window = { from: t - windowMs, to: t };
    return { buckets: this.store.flowBuckets(window.from, window.to), window };
  }

  /** When policies changed between two moments: the Policies layer names them as the likely reason Hubble disagrees. */
  policyChangesBetween(from: number, to: number): { id: string; t: number }[] {
    return this.store
      .changesBetween(from, to)
      .filter((c) => POLICY_KINDS.has(c.object.kind))
      .map((c) => ({ id: idOf(c.object), t: c.t }));
  }

  /** The moment of the neighbouring change, or `from` itself when there is none that way. */
  step(from: number, direction: 'next' | 'previous'): number {
    return this.store.neighbourChange(from, direction) ?? from;
  }

  compare(a: number, b: number): Comparison {
    const before = this.store.stateAt(a);
    const after = this.store.stateAt(b);
    const topology = union(
      withObservedTraffic(buildTopology({ objects: [...before.values()] }), this.trafficBefore(a).buckets, this.trafficBefore(a).window),
      withObservedTraffic(buildTopology({ objects: [...after.values()] }), this.trafficBefore(b).buckets, this.trafficBefore(b).window),
    );
    return { a, b, topology, changes: diffStates(before, after) };
  }
}
