import { TrafficLayer, type TrafficWindow } from '../../core/flows/TrafficLayer';
import { IncrementalTopology } from '../../core/topology/IncrementalTopology';
import { TopologyFacts } from '../../core/view/TopologyFacts';
import type { Notice, ObjectDetails, RelatedObject } from '../../shared/contract';
import type { ClusterState, ObjectChange } from '../../shared/kube';
import type { Topology } from '../../shared/model';
import type { DiagnosticsService } from './DiagnosticsService';

export interface DrawOptions {
  /** Whether the state is the live source's: its changes can then be applied to the live topology kept. */
  live: boolean;
  /** The changes from the state drawn last to this one, when known. */
  changes?: readonly ObjectChange[];
  /** The moment shown, when replaying. */
  at?: number;
  /** The namespaces the source sees, when it is scoped. */
  namespaces?: readonly string[];
}

/**
 * What is drawn, in three parts that change at different rates: the objects' topology (kept one
 * namespace at a time), the findings on its nodes, and the observed traffic over it. Each part is
 * worked out again only when its own input changed, and the whole when first asked for after a
 * change: a traffic tick costs the traffic, a watch event its namespace.
 */
export class DrawnTopology {
  private incremental = new IncrementalTopology();
  /** Whether `incremental` holds the live state, so that the source's changes can be applied to it. */
  private incrementalIsLive = false;
  private drawnState: ClusterState = { objects: [] };
  private traffic?: TrafficWindow;
  private readonly trafficLayer = new TrafficLayer();
  private drawn?: Topology;
  private related?: Map<string, RelatedObject[]>;
  private failedBecause?: string;

  constructor(private readonly diagnostics: DiagnosticsService) {}

  get state(): ClusterState {
    return this.drawnState;
  }

  /**
   * Draws a state and its traffic. A live state's changes are applied when the topology holds the
   * live state already; any other state is compared object by object. False when the state could
   * not be drawn (`notices` says why): the state drawn before stays, and the next is drawn whole.
   */
  draw(state: ClusterState, traffic: TrafficWindow | undefined, options: DrawOptions): boolean {
    if (state !== this.drawnState) {
      const known = options.changes && options.live && this.incrementalIsLive ? options.changes : undefined;
      try {
        if (known) this.incremental.apply(known);
        else this.incremental.update(state);
      } catch (error) {
        // Half applied, the kept topology matches no state: it is built again from the state drawn before.
        this.incremental = new IncrementalTopology();
        this.incremental.update(this.drawnState);
        this.incrementalIsLive = false;
        this.failedBecause = `The latest cluster state could not be drawn (${(error as Error).message}); the picture shows the state before it until a later change draws.`;
        console.error('strata: drawing failed:', error);
        return false;
      }
      this.diagnostics.drawn(state, known, options.at, options.namespaces);
    }
    this.incrementalIsLive = options.live;
    this.drawnState = state;
    this.traffic = traffic;
    this.failedBecause = undefined;
    this.invalidate();
    return true;
  }

  /** Why the last state could not be drawn, as a notice, until one is. */
  notices(): Notice[] {
    return this.failedBecause ? [{ severity: 'error', message: this.failedBecause }] : [];
  }

  /** Something drawn changed (the findings): the whole is made again when next asked for. */
  invalidate(): void {
    this.drawn = undefined;
    this.related = undefined;
  }

  topology(): Topology {
    if (this.drawn) return this.drawn;
    const objects = this.diagnostics.withFindings(this.incremental.topology());
    return (this.drawn = this.traffic ? this.trafficLayer.draw(objects, this.traffic) : objects);
  }

  /** The size of what is drawn; counted without merging a 150,000-pod topology when it has not been made yet. */
  size(): { nodes: number; edges: number } {
    return this.drawn ? { nodes: this.drawn.nodes.length, edges: this.drawn.edges.length } : this.incremental.size();
  }

  details(id: string): ObjectDetails | null {
    const node = TopologyFacts.of(this.topology()).node(id);
    if (!node) return null;
    const object = node.missing ? undefined : this.incremental.object(id);
    return { node, ...(object ? { object } : {}), related: this.relatedIndex().get(id) ?? [] };
  }

  /** Neighbours of every node, built on the first details request after a change. */
  private relatedIndex(): Map<string, RelatedObject[]> {
    if (this.related) return this.related;
    const topology = this.topology();
    const facts = TopologyFacts.of(topology);
    const related = new Map<string, RelatedObject[]>();
    const add = (id: string, entry: RelatedObject) => {
      const list = related.get(id);
      if (list) list.push(entry);
      else related.set(id, [entry]);
    };
    const brief = (id: string) => {
      const n = facts.node(id)!;
      return { id: n.id, kind: n.kind, name: n.name, ...(n.namespace ? { namespace: n.namespace } : {}), ...(n.missing ? { missing: true } : {}) };
    };
    for (const edge of topology.edges) {
      add(edge.source, { direction: 'out', edgeType: edge.type, edgeId: edge.id, node: brief(edge.target) });
      add(edge.target, { direction: 'in', edgeType: edge.type, edgeId: edge.id, node: brief(edge.source) });
    }
    this.related = related;
    return related;
  }
}
