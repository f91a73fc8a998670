import { LineCounter, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../shared/kube';
import { idOf, isClusterScoped, objectId } from '../../shared/kube';
import { MalformedObjectError, stripObject } from '../kube/strip';

/** Something in a manifest file that Strata could not use, with where it is. */
export interface ManifestNote {
  file: string;
  line?: number;
  severity: 'error' | 'skipped';
  message: string;
}

/** Where an object was written: SARIF output and CI annotations point there. */
export interface ManifestLocation {
  file: string;
  line?: number;
}

export interface ParsedManifests {
  objects: KubeObject[];
  notes: ManifestNote[];
  /** By object id, as the object will be drawn (an object without a namespace goes to `default`, as kubectl apply does). */
  locations: Map<string, ManifestLocation>;
}

/** The id an object of a manifest has once applied: kubectl puts a namespaced object without a namespace in `default`. */
export function appliedId(object: KubeObject): string {
  return isClusterScoped(object) || object.metadata.namespace ? idOf(object) : objectId(object.kind, object.metadata.name, 'default');
}

function collect(value: unknown, file: string, line: number | undefined, out: ParsedManifests): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    out.notes.push({ file, line, severity: 'skipped', message: 'Document is not a Kubernetes object (no apiVersion and kind)' });
    return;
  }
  const doc = value as Record<string, unknown>;
  const kind = doc.kind;
  if (typeof kind !== 'string' || typeof doc.apiVersion !== 'string') {
    out.notes.push({ file, line, severity: 'skipped', message: 'Document is not a Kubernetes object (no apiVersion and kind)' });
    return;
  }
  // `kind: List` and the typed lists (`PodList`, …) that `kubectl get -o yaml` writes.
  if ((kind === 'List' || kind.endsWith('List')) && Array.isArray(doc.items)) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    for (const item of doc.items) {
      const withKind = itemKind && typeof item === 'object' && item !== null && !('kind' in item) ? { kind: itemKind, apiVersion: doc.apiVersion, ...item } : item;
      collect(withKind, file, line, out);
    }
    return;
  }
  const name = (doc.metadata as { name?: unknown } | undefined)?.name;
  try {
    const object = stripObject(doc);
    if (object) {
      out.objects.push(object);
      out.locations.set(appliedId(object), { file, ...(line !== undefined ? { line } : {}) });
    }
    else out.notes.push({ file, line, severity: 'skipped', message: `${kind}${typeof name === 'string' ? ` ${name}` : ''} is not drawn by Strata` });
  } catch (error) {
    if (!(error instanceof MalformedObjectError)) throw error;
    out.notes.push({ file, line, severity: 'error', message: `${kind} ${typeof name === 'string' ? `${name} ` : ''}cannot be read: ${error.message}` });
  }
}

/** The yaml library's reason, in one line; a stack overflow means nesting deeper than any manifest has. */
export function yamlReason(error: Error): string {
  if (error instanceof RangeError || /Maximum call stack/.test(error.message)) return 'nested too deeply to read';
  return error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Reads one YAML or JSON manifest file (multi-document, `kind: List`) into stripped objects.
 * A broken document is reported with its file and line, and the file's other documents still load.
 */
export function parseManifests(text: string, file: string): ParsedManifests {
  const out: ParsedManifests = { objects: [], notes: [], locations: new Map() };
  const lines = new LineCounter();
  for (const doc of parseAllDocuments(text, { merge: true, prettyErrors: true, lineCounter: lines })) {
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const line = error.linePos?.[0].line ?? lines.linePos(error.pos[0]).line;
      out.notes.push({ file, line, severity: 'error', message: `YAML error: ${yamlReason(error)}` });
      continue;
    }
    const line = lines.linePos(doc.contents?.range?.[0] ?? doc.range[0]).line;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      // An alias to an anchor in another document, or so many aliases that expanding them would exhaust memory.
      out.notes.push({ file, line, severity: 'error', message: `YAML error: ${yamlReason(error as Error)}` });
      continue;
    }
    collect(value, file, line, out);
  }
  return out;
}
