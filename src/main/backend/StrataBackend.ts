import { buildTopology } from '../../core/topology/buildTopology';
import type { ContractEvents, ContractHandlers, EventName, ObjectDetails, RelatedObject, SessionStatus, TopologySnapshot } from '../../shared/contract';
import type { KubeObject } from '../../shared/kube';
import { idOf } from '../../shared/kube';
import type { TopologySource, SourceUpdate } from '../sources/TopologySource';

export type BackendListener = <E extends EventName>(name: E, payload: ContractEvents[E]) => void;

export interface BackendOptions {
  /** Injected so that tests and replays control time stamps. */
  now?: () => Date;
}

/**
 * Serves the contract for one source at a time: every update of the source becomes a topology
 * through the core, a new revision, and pushed events for every transport that subscribed.
 */
export class StrataBackend {
  private snapshot: TopologySnapshot = { revision: 0, topology: { nodes: [], edges: [] } };
  private status: SessionStatus;
  private objects = new Map<string, KubeObject>();
  private related?: Map<string, RelatedObject[]>;
  private readonly listeners = new Set<BackendListener>();
  private readonly now: () => Date;

  constructor(
    private readonly source: TopologySource,
    options: BackendOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.status = {
      source: { kind: source.kind, label: source.label },
      sync: 'loading',
      notices: [],
      counts: { objects: 0, nodes: 0, edges: 0 },
      updatedAt: this.now().toISOString(),
    };
  }

  async start(): Promise<void> {
    await this.source.start((update) => this.apply(update));
  }

  async stop(): Promise<void> {
    await this.source.stop();
    this.listeners.clear();
  }

  subscribe(listener: BackendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly handlers: ContractHandlers = {
    'session.get': async () => this.status,
    'topology.get': async () => this.snapshot,
    'object.get': async ({ id }) => this.details(id),
  };

  private apply(update: SourceUpdate): void {
    const topology = buildTopology(update.state);
    this.snapshot = { revision: this.snapshot.revision + 1, topology };
    this.objects = new Map(update.state.objects.map((o) => [idOf(o), o]));
    this.related = undefined;
    this.status = {
      source: { kind: this.source.kind, label: this.source.label },
      sync: update.sync,
      ...(update.message ? { message: update.message } : {}),
      notices: update.notices,
      counts: { objects: update.state.objects.length, nodes: topology.nodes.length, edges: topology.edges.length },
      updatedAt: this.now().toISOString(),
    };
    this.emit('topology.changed', this.snapshot);
    this.emit('session.changed', this.status);
  }

  private emit<E extends EventName>(name: E, payload: ContractEvents[E]): void {
    for (const listener of this.listeners) listener(name, payload);
  }

  private details(id: string): ObjectDetails | null {
    const node = this.snapshot.topology.nodes.find((n) => n.id === id);
    if (!node) return null;
    const object = node.missing ? undefined : this.objects.get(id);
    return { node, ...(object ? { object } : {}), related: this.relatedIndex().get(id) ?? [] };
  }

  /** Neighbours of every node, built on the first details request after a change. */
  private relatedIndex(): Map<string, RelatedObject[]> {
    if (this.related) return this.related;
    const nodes = new Map(this.snapshot.topology.nodes.map((n) => [n.id, n]));
    const related = new Map<string, RelatedObject[]>();
    const add = (id: string, entry: RelatedObject) => {
      const list = related.get(id);
      if (list) list.push(entry);
      else related.set(id, [entry]);
    };
    const brief = (id: string) => {
      const n = nodes.get(id)!;
      return { id: n.id, kind: n.kind, name: n.name, ...(n.namespace ? { namespace: n.namespace } : {}), ...(n.missing ? { missing: true } : {}) };
    };
    for (const edge of this.snapshot.topology.edges) {
      add(edge.source, { direction: 'out', edgeType: edge.type, edgeId: edge.id, node: brief(edge.target) });
      add(edge.target, { direction: 'in', edgeType: edge.type, edgeId: edge.id, node: brief(edge.source) });
    }
    this.related = related;
    return related;
  }
}
