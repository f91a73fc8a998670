import type { ServerResponse } from 'node:http';
import { apiVersionOf, type ResourceType } from './catalog';
import type { LabelPredicate } from './labelSelector';
import { lowerBound, type ObjectStore } from './objectStore';
import { fullObjectJson, type StoredObject } from './storedObject';
import { apiHeaders, badRequest, status, type StatusBody } from './wire';

/**
 * LIST with paging as the real (etcd-backed) server does it: items in key order, `limit` pages,
 * an opaque continue token holding the list's resourceVersion and the key to start after, and
 * `remainingItemCount`. Later pages are read at the token's resourceVersion, as etcd reads them:
 * the current sorted objects, with the changes made since undone from the event history. A page
 * costs O(log n + page + changes since the list's RV).
 */
export interface ListQuery {
  type: ResourceType;
  namespace?: string;
  limit?: number;
  continueToken?: string;
  selector?: LabelPredicate;
}

interface ContinueKey {
  v: 'meta.k8s.io/v1';
  /** The list's RV; -1 in a token handed out with a 410, meaning "continue inconsistently". */
  rv: number;
  /** The key, relative to the listed prefix, that the next page starts after ("ns/name\u0000"). */
  start: string;
}

const encodeContinue = (key: ContinueKey) => Buffer.from(JSON.stringify(key)).toString('base64url');

function decodeContinue(token: string): ContinueKey | string {
  let key: Partial<ContinueKey>;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueKey>;
  } catch {
    return 'continue key is not valid: illegal base64 data or JSON';
  }
  if (key.v !== 'meta.k8s.io/v1') return 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)';
  if (typeof key.rv !== 'number' || key.rv === 0 || typeof key.start !== 'string' || key.start === '') return 'continue key is not valid: encoded start key is missing or invalid';
  return { v: key.v, rv: key.rv, start: key.start };
}

const TOO_OLD_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export interface ListPage {
  listRv: number;
  items: readonly StoredObject[];
  continueToken?: string;
  remainingItemCount?: number;
}

/** Key -> the object's state at `rv` (null: absent then), for every key changed since `rv`. */
function changesSince(store: ObjectStore, type: ResourceType, rv: number, namespace: string | undefined): Map<string, StoredObject | null> {
  const before = new Map<string, StoredObject | null>();
  for (const event of store.eventsAfter(type, rv, namespace)) {
    if (!before.has(event.object.key)) before.set(event.object.key, event.previous ?? null);
  }
  return before;
}

export function listPage(store: ObjectStore, query: ListQuery): ListPage | StatusBody {
  const all = store.objects(query.type);
  // A namespace's keys are the contiguous run ["ns/", "ns0"): '0' is the character after '/'.
  const prefix = query.namespace === undefined ? '' : `${query.namespace}/`;
  let index = query.namespace === undefined ? 0 : lowerBound(all, prefix);
  const end = query.namespace === undefined ? all.length : lowerBound(all, `${query.namespace}0`);
  let listRv = store.resourceVersion;
  let startKey = prefix;

  if (query.continueToken) {
    const key = decodeContinue(query.continueToken);
    if (typeof key === 'string') return badRequest(key);
    if (key.rv !== -1 && key.rv < store.oldestRv) {
      const inconsistent = encodeContinue({ v: 'meta.k8s.io/v1', rv: -1, start: key.start });
      return status(410, 'Expired', TOO_OLD_CONTINUE, undefined, { continue: inconsistent });
    }
    if (key.rv !== -1) listRv = key.rv;
    startKey = prefix + key.start;
    index = Math.max(index, lowerBound(all, startKey));
  }
  const limit = query.limit && query.limit > 0 ? query.limit : Infinity;
  if (!query.selector && limit === Infinity && listRv === store.resourceVersion) return { listRv, items: all.slice(index, end) };

  // Merge the current objects with their states at listRv (sorted keys of both, from startKey on).
  const before = listRv === store.resourceVersion ? new Map<string, StoredObject | null>() : changesSince(store, query.type, listRv, query.namespace);
  const changedKeys = [...before.keys()].filter((key) => key >= startKey).sort();
  let changed = 0;
  const items: StoredObject[] = [];
  while (items.length < limit && (index < end || changed < changedKeys.length)) {
    let candidate: StoredObject | null;
    if (changed < changedKeys.length && (index >= end || changedKeys[changed] <= all[index].key)) {
      if (index < end && all[index].key === changedKeys[changed]) index++;
      candidate = before.get(changedKeys[changed++]) ?? null;
    } else {
      candidate = all[index++];
    }
    if (candidate && (!query.selector || query.selector(candidate.labels))) items.push(candidate);
  }

  // What is left at listRv: the current rest, corrected by the changed keys not yet passed.
  let remaining = end - index;
  for (; changed < changedKeys.length; changed++) {
    const key = changedKeys[changed];
    remaining += (before.get(key) ? 1 : 0) - (store.hasKey(query.type, key) ? 1 : 0);
  }
  if (remaining <= 0 || items.length === 0) return { listRv, items };
  const lastKey = items[items.length - 1].key;
  const continueToken = encodeContinue({ v: 'meta.k8s.io/v1', rv: listRv, start: `${lastKey.slice(prefix.length)}\u0000` });
  // The real server cannot count what a selector would match, so it omits the count then.
  return query.selector ? { listRv, items, continueToken } : { listRv, items, continueToken, remainingItemCount: remaining };
}

/** Items per write when streaming a big list; the body of a page is built in one piece. */
const STREAM_CHUNK = 1000;

/**
 * Writes `{"kind":"PodList",...,"items":[...]}` from the stored item strings. Small lists go out
 * in one piece with a content-length; big ones are streamed in chunks with backpressure.
 * A custom resource's list is an UnstructuredList, written as Go writes a map: keys sorted, each
 * item with its own apiVersion and kind, and `metadata.continue` present even when empty.
 */
export function writeList(res: ServerResponse, type: ResourceType, page: ListPage): void {
  const listKind = JSON.stringify(`${type.kind}List`);
  const apiVersion = JSON.stringify(apiVersionOf(type));
  let head: string;
  let tail: string;
  let item: (object: StoredObject) => string;
  if (type.crd) {
    const metadata = { continue: page.continueToken ?? '', ...(page.continueToken ? { remainingItemCount: page.remainingItemCount } : {}), resourceVersion: String(page.listRv) };
    head = `{"apiVersion":${apiVersion},"items":[`;
    tail = `],"kind":${listKind},"metadata":${JSON.stringify(metadata)}}\n`;
    item = (object) => fullObjectJson(type, object);
  } else {
    const metadata = { resourceVersion: String(page.listRv), ...(page.continueToken ? { continue: page.continueToken, remainingItemCount: page.remainingItemCount } : {}) };
    head = `{"kind":${listKind},"apiVersion":${apiVersion},"metadata":${JSON.stringify(metadata)},"items":[`;
    tail = ']}\n';
    item = (object) => object.body;
  }
  const { items } = page;
  if (items.length <= STREAM_CHUNK) {
    const body = head + items.map(item).join(',') + tail;
    res.writeHead(200, { ...apiHeaders(), 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(200, apiHeaders());
  let index = 0;
  const writeMore = () => {
    while (index < items.length) {
      const chunk = items.slice(index, index + STREAM_CHUNK).map(item).join(',');
      const text = (index === 0 ? head : ',') + chunk;
      index += STREAM_CHUNK;
      if (!res.write(text) && index < items.length) {
        res.once('drain', writeMore);
        return;
      }
    }
    res.end(tail);
  };
  writeMore();
}
