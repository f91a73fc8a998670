import type { Topology, TopologyEdge, TopologyNode, TopologyNodeKind } from '../../shared/model';
import { objectId } from '../../shared/kube';

type NewNode = Omit<TopologyNode, 'id' | 'facts' | 'problems'> & Partial<Pick<TopologyNode, 'facts' | 'problems'>>;
type NewEdge = Omit<TopologyEdge, 'id' | 'problems' | 'ports'> & Partial<Pick<TopologyEdge, 'problems' | 'ports'>>;

/** Accumulates nodes and edges; references to objects that are not there become visible missing nodes. */
export class TopologyBuilder {
  private readonly nodes = new Map<string, TopologyNode>();
  private readonly edges = new Map<string, TopologyEdge>();

  /**
   * @param elsewhere When the builder draws one part of the cluster (a namespace), says whether an
   * object it does not hold exists in another part; that object is then referenced, not added.
   */
  constructor(private readonly elsewhere?: (id: string) => boolean) {}

  node(id: string): TopologyNode | undefined {
    return this.nodes.get(id);
  }

  /** Adds a node made of `fields` (taken over, not copied: this runs once per object of big clusters). */
  addNode(fields: NewNode, id = objectId(fields.workloadKind ?? fields.kind, fields.name, fields.namespace)): TopologyNode {
    const node = fields as TopologyNode;
    node.id = id;
    node.facts ??= {};
    node.problems ??= [];
    this.nodes.set(id, node);
    return node;
  }

  /**
   * The node for a referenced object; a placeholder marked missing, with the reason, when absent.
   * The reason is made only when needed.
   */
  target(kind: TopologyNodeKind, name: string, namespace: string | undefined, reason: () => string): TopologyNode {
    const id = objectId(kind, name, namespace);
    const existing = this.nodes.get(id);
    if (existing) return existing;
    if (this.elsewhere?.(id)) return { id, kind, name, ...(namespace ? { namespace } : {}), facts: {}, problems: [] };
    const why = reason();
    return this.addNode({ kind, name, namespace, missing: true, missingReason: why, problems: [why] }, id);
  }

  /** An External node (ExternalName target, load-balancer address, endpoint without a pod), shared by all who name it. */
  external(address: string, role: string): TopologyNode {
    const id = objectId('External', address);
    const existing = this.nodes.get(id);
    if (existing) {
      const roles = existing.facts.roles as string[];
      if (!roles.includes(role)) roles.push(role);
      return existing;
    }
    return this.addNode({ kind: 'External', name: address, facts: { roles: [role] } }, id);
  }

  addEdge(fields: NewEdge, discriminator?: string | number): TopologyEdge {
    const base = `${fields.type}:${fields.source}->${fields.target}`;
    const edge = fields as TopologyEdge;
    edge.id = discriminator === undefined ? base : `${base}#${discriminator}`;
    edge.ports ??= [];
    edge.problems ??= [];
    this.edges.set(edge.id, edge);
    return edge;
  }

  /** Nodes and edges sorted by id, so that the same state always gives the same topology. */
  build(): Topology {
    return { nodes: sortedById(this.nodes.values()), edges: sortedById(this.edges.values()) };
  }
}

/** Items with unique ids, sorted by id. Sorting the ids themselves uses the engine's fast path for strings (same code-unit order as <). */
export function sortedById<T extends { id: string }>(items: Iterable<T>): T[] {
  const byId = new Map<string, T>();
  for (const item of items) byId.set(item.id, item);
  return [...byId.keys()].sort().map((id) => byId.get(id)!);
}
