import { randomUUID } from 'node:crypto';
import { apiVersionOf, type ResourceType } from './catalog';

/**
 * An object as the double keeps it: serialized once, when it is written, exactly as a list item
 * is sent (no kind/apiVersion). Being a string it is an immutable snapshot, so lists, watch
 * events and the history can share it, and a 500-item page is a join of 500 strings.
 */
export interface StoredObject {
  /** `namespace/name`, or `name` when cluster-scoped: the real server's etcd key order. */
  readonly key: string;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly uid: string;
  readonly creationTimestamp: string;
  readonly resourceVersion: number;
  readonly labels: Readonly<Record<string, string>> | undefined;
  /** The JSON of the object without kind/apiVersion: metadata first, or for a custom resource every key sorted. */
  readonly body: string;
}

export type RawObject = Record<string, unknown>;

export const objectKey = (namespace: string | undefined, name: string) => (namespace === undefined ? name : `${namespace}/${name}`);

/** ObjectMeta's field order on the wire, so stored objects read like a real server's. */
const METADATA_ORDER = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'];

const isRecord = (value: unknown): value is RawObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value with every object's keys in Go's map order (sorted), as unstructured JSON (custom resources) is written. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isRecord(value)) return value;
  const sorted: RawObject = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortedKeys(value[key]);
  return sorted;
}

/** RFC 3339 to the second, as Kubernetes writes timestamps. */
export const kubeTimestamp = (date = new Date()) => `${date.toISOString().slice(0, 19)}Z`;

const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const generatedSuffix = () => Array.from({ length: 5 }, () => GENERATE_NAME_ALPHABET[Math.floor(Math.random() * GENERATE_NAME_ALPHABET.length)]).join('');

/**
 * Shapes an incoming object the way the API server stores it: namespace defaulted ('default') or
 * dropped (cluster-scoped), name generated from generateName, uid and creationTimestamp kept from
 * the previous version (or the caller's, for deterministic fixtures, or new), resourceVersion set.
 */
export function storeObject(type: ResourceType, raw: RawObject, resourceVersion: number, current: (key: string) => StoredObject | undefined): StoredObject {
  const metadataIn = isRecord(raw.metadata) ? raw.metadata : {};
  const namespace = type.namespaced ? (typeof metadataIn.namespace === 'string' && metadataIn.namespace ? metadataIn.namespace : 'default') : undefined;
  let name = typeof metadataIn.name === 'string' ? metadataIn.name : '';
  if (!name && typeof metadataIn.generateName === 'string') name = metadataIn.generateName + generatedSuffix();
  if (!name) throw new Error(`KubeApiServerDouble: a ${type.kind} needs metadata.name or metadata.generateName`);
  const key = objectKey(namespace, name);
  const previous = current(key);
  const uid = previous?.uid ?? (typeof metadataIn.uid === 'string' && metadataIn.uid ? metadataIn.uid : randomUUID());
  const creationTimestamp = previous?.creationTimestamp ?? (typeof metadataIn.creationTimestamp === 'string' ? metadataIn.creationTimestamp : kubeTimestamp());
  const labels = isRecord(metadataIn.labels) ? ({ ...metadataIn.labels } as Record<string, string>) : undefined;

  const fields: RawObject = { ...metadataIn, name, namespace, uid, resourceVersion: String(resourceVersion), creationTimestamp };
  const metadata: RawObject = {};
  for (const field of METADATA_ORDER) if (fields[field] !== undefined) metadata[field] = fields[field];
  for (const field of Object.keys(fields)) if (!(field in metadata) && fields[field] !== undefined) metadata[field] = fields[field];

  const { kind: _kind, apiVersion: _apiVersion, metadata: _metadata, ...rest } = raw;
  const body = JSON.stringify(type.crd ? sortedKeys({ metadata, ...rest }) : { metadata, ...rest });
  return { key, namespace, name, uid, creationTimestamp, resourceVersion, labels, body };
}

/** The same object at a new resourceVersion, as a DELETED event carries it. */
export function withResourceVersion(object: StoredObject, resourceVersion: number): StoredObject {
  const parsed = JSON.parse(object.body) as { metadata: RawObject };
  parsed.metadata.resourceVersion = String(resourceVersion);
  return { ...object, resourceVersion, body: JSON.stringify(parsed) };
}

/**
 * The object with kind and apiVersion, as watch events and GETs of one object (and list items of a
 * custom resource) carry it: kind first for built-ins; apiVersion, kind, metadata… for custom resources.
 */
export function fullObjectJson(type: ResourceType, object: StoredObject): string {
  const kind = `"kind":${JSON.stringify(type.kind)}`;
  const apiVersion = `"apiVersion":${JSON.stringify(apiVersionOf(type))}`;
  return `{${type.crd ? `${apiVersion},${kind}` : `${kind},${apiVersion}`},${object.body.slice(1)}`;
}

export const fullObject = (type: ResourceType, object: StoredObject): RawObject => JSON.parse(fullObjectJson(type, object)) as RawObject;
