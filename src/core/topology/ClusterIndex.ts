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

  /** Pods of a namespace that carry one label: where a selector's search starts. */
  podsWithLabel(namespace: string, key: string, value: string): readonly OfKind<'Pod'>[] {
    if (!this.podsByLabel) {
      this.podsByLabel = new Map();
      for (const pod of this.all('Pod')) {
        for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
          const slot = `${pod.metadata.namespace ?? ''}\u0000${k}=${v}`;
          const list = this.podsByLabel.get(slot);
          if (list) list.push(pod);
          else this.podsByLabel.set(slot, [pod]);
        }
      }
    }
    return this.podsByLabel.get(`${namespace}\u0000${key}=${value}`) ?? [];
  }

  private podsByLabel?: Map<string, OfKind<'Pod'>[]>;
}
