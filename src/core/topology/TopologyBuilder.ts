import type { Topology, TopologyEdge, TopologyNode, TopologyNodeKind } from '../../shared/model';
import { objectId } from '../../shared/kube';

type NewNode = Omit<TopologyNode, 'id' | 'facts' | 'problems'> & Partial<Pick<TopologyNode, 'facts' | 'problems'>>;
type NewEdge = Omit<TopologyEdge, 'id' | 'problems' | 'ports'> & Partial<Pick<TopologyEdge, 'problems' | 'ports'>>;

/** Accumulates nodes and edges; references to objects that are not there become visible missing nodes. */
export class TopologyBuilder {
  private readonly nodes = new Map<string, TopologyNode>();
  private readonly edges = new Map<string, TopologyEdge>();

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
    // Sorting the ids themselves uses the engine's fast path for strings (same code-unit order as <).
    const sorted = <T>(map: Map<string, T>) => [...map.keys()].sort().map((id) => map.get(id)!);
    return { nodes: sorted(this.nodes), edges: sorted(this.edges) };
  }
}
