import type { KubeObject, KubeKind, ClusterState } from '../../shared/kube';
import { idOf } from '../../shared/kube';

type OfKind<K extends KubeKind> = Extract<KubeObject, { kind: K }>;

/** Objects of a ClusterState by kind and by id, built once per topology build. */
export class ClusterIndex {
  private readonly byKind = new Map<string, KubeObject[]>();
  private readonly byId = new Map<string, KubeObject>();

  constructor(state: ClusterState) {
    for (const object of state.objects) {
      const list = this.byKind.get(object.kind);
      if (list) list.push(object);
      else this.byKind.set(object.kind, [object]);
      this.byId.set(idOf(object), object);
    }
  }

  all<K extends KubeKind>(kind: K): readonly OfKind<K>[] {
    return (this.byKind.get(kind) ?? []) as OfKind<K>[];
  }

  get<K extends KubeKind>(kind: K, name: string, namespace?: string): OfKind<K> | undefined {
    const found = this.byId.get(namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`);
    return found as OfKind<K> | undefined;
  }

  /** Pods by namespace, for selector matching without scanning every pod per Service. */
  podsIn(namespace: string): readonly OfKind<'Pod'>[] {
    if (!this.podsByNamespace) {
      this.podsByNamespace = new Map();
      for (const pod of this.all('Pod')) {
        const ns = pod.metadata.namespace ?? '';
        const list = this.podsByNamespace.get(ns);
        if (list) list.push(pod);
        else this.podsByNamespace.set(ns, [pod]);
      }
    }
    return this.podsByNamespace.get(namespace) ?? [];
  }

  private podsByNamespace?: Map<string, OfKind<'Pod'>[]>;
}
