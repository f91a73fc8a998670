import type { ObjectChangeSummary } from '../../shared/contract';
import type { KubeObject } from '../../shared/kube';
import { idOf } from '../../shared/kube';

/** One object's difference between two moments: the contract's change summary. */
export type ObjectDiff = ObjectChangeSummary;

function describeChange(before: KubeObject, after: KubeObject): string[] {
  const details: string[] = [];
  if (before.metadata.uid && after.metadata.uid && before.metadata.uid !== after.metadata.uid) details.push('replaced (new uid)');
  if (before.kind === 'Pod' && after.kind === 'Pod') {
    if (before.status.ready !== after.status.ready) details.push(`ready: ${before.status.ready} → ${after.status.ready}`);
    if (before.status.phase !== after.status.phase) details.push(`phase: ${before.status.phase} → ${after.status.phase}`);
    if (before.spec.nodeName !== after.spec.nodeName) details.push(`node: ${before.spec.nodeName ?? '-'} → ${after.spec.nodeName ?? '-'}`);
    if (!before.metadata.deletionTimestamp && after.metadata.deletionTimestamp) details.push('terminating');
  }
  if (before.kind === 'EndpointSlice' && after.kind === 'EndpointSlice') {
    const ready = (s: typeof before) => s.endpoints.filter((e) => e.conditions.ready).length;
    if (ready(before) !== ready(after) || before.endpoints.length !== after.endpoints.length) {
      details.push(`ready endpoints: ${ready(before)}/${before.endpoints.length} → ${ready(after)}/${after.endpoints.length}`);
    }
    const targets = (s: typeof before) => new Set(s.endpoints.map((e) => e.targetRef?.name ?? e.addresses[0]));
    const [was, is] = [targets(before), targets(after)];
    const gone = [...was].filter((n) => !is.has(n));
    const came = [...is].filter((n) => !was.has(n));
    if (gone.length || came.length) details.push(`endpoints ${[...gone.map((n) => `−${n}`), ...came.map((n) => `+${n}`)].join(' ')}`);
  }
  if (JSON.stringify(before.metadata.labels ?? {}) !== JSON.stringify(after.metadata.labels ?? {})) details.push('labels changed');
  const body = (o: KubeObject) => JSON.stringify({ ...o, metadata: undefined, status: undefined });
  if (details.length === 0 && body(before) !== body(after)) details.push('spec changed');
  if (details.length === 0 && JSON.stringify(before) !== JSON.stringify(after)) details.push('status changed');
  return details;
}

/**
 * What differs between two states of a cluster: objects added, removed and changed, each with
 * what changed. A change of resourceVersion alone is no change. Sorted by id: deterministic.
 */
export function diffStates(before: ReadonlyMap<string, KubeObject>, after: ReadonlyMap<string, KubeObject>): ObjectDiff[] {
  const out: ObjectDiff[] = [];
  const entry = (o: KubeObject, change: ObjectDiff['change'], details: string[]): ObjectDiff => ({
    id: idOf(o),
    kind: o.kind,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name,
    change,
    details,
  });
  for (const [id, old] of before) {
    const now = after.get(id);
    if (!now) out.push(entry(old, 'removed', []));
    else {
      const details = describeChange({ ...old, metadata: { ...old.metadata, resourceVersion: undefined } } as KubeObject, { ...now, metadata: { ...now.metadata, resourceVersion: undefined } } as KubeObject);
      if (details.length) out.push(entry(now, 'changed', details));
    }
  }
  for (const [id, now] of after) if (!before.has(id)) out.push(entry(now, 'added', []));
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
