import type { KubeObject, KubeKind, ClusterState, Pod, Workload, WorkloadKind } from '../../shared/kube';
import { idOf } from '../../shared/kube';

/** The object type of a kind; every workload kind is a `Workload`. */
export type OfKind<K extends KubeKind> = K extends WorkloadKind ? Workload : Extract<KubeObject, { kind: K }>;

/**
 * What the topology's layer passes read: the objects they draw, by kind, and look-ups of any
 * object. The whole-state `ClusterIndex` answers from one state; a shard of the incremental
 * topology answers `all` for one namespace and the look-ups from the whole cluster.
 */
export interface ObjectIndex {
  all<K extends KubeKind>(kind: K): readonly OfKind<K>[];
  get<K extends KubeKind>(kind: K, name: string, namespace?: string): OfKind<K> | undefined;
  /** Pods of a namespace that carry one label: where a selector's search starts. */
  podsWithLabel(namespace: string, key: string, value: string): readonly Pod[];
  /** Whether the cluster holds any object of a kind (an IngressClass check only makes sense when some exist). */
  hasAny(kind: KubeKind): boolean;
}

/** Pods by `namespace NUL key=value`, for selector searches. */
export function indexPodsByLabel(pods: readonly Pod[]): Map<string, Pod[]> {
  const byLabel = new Map<string, Pod[]>();
  for (const pod of pods) {
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
      const slot = labelSlot(pod.metadata.namespace ?? '', k, v);
      const list = byLabel.get(slot);
      if (list) list.push(pod);
      else byLabel.set(slot, [pod]);
    }
  }
  return byLabel;
}

export const labelSlot = (namespace: string, key: string, value: string) => `${namespace}\u0000${key}=${value}`;

/** Objects of a ClusterState by kind and by id, built once per topology build. */
export class ClusterIndex implements ObjectIndex {
  private readonly byKind = new Map<string, KubeObject[]>();
  private readonly byId = new Map<string, KubeObject>();
  private podsByLabel?: Map<string, Pod[]>;

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

  podsWithLabel(namespace: string, key: string, value: string): readonly Pod[] {
    this.podsByLabel ??= indexPodsByLabel(this.all('Pod'));
    return this.podsByLabel.get(labelSlot(namespace, key, value)) ?? [];
  }

  hasAny(kind: KubeKind): boolean {
    return this.all(kind).length > 0;
  }
}
