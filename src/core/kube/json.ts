/** Readers of untyped JSON, as a server or a manifest gives it: a wrong type reads as absent, never as a crash. */
import type { Condition, Protocol } from '../../shared/kube';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Json => (isObject(v) ? v : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
export const strings = (v: unknown): string[] => arr(v).filter((s): s is string => typeof s === 'string');
/** A string, number or boolean: YAML reads `version: 1` as a number where Kubernetes wants text; the intent is kept as text. */
const isScalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
/** A list's scalars as text (see isScalar); anything else in it is dropped (String() throws on some objects). */
export const scalarStrings = (v: unknown): string[] => arr(v).filter(isScalar).map(String);
export const protocol = (v: unknown): Protocol => (v === 'UDP' || v === 'SCTP' ? v : 'TCP');

export function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    if (isScalar(value)) out[k] = String(value);
  }
  return out;
}

export function definedOnly<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/** A condition's message is kept to this many characters: enough to name the cause, never a log. */
const MESSAGE_LIMIT = 300;

/** A status's conditions, each message cut short. */
export function conditions(status: Json): Condition[] {
  return arr(status.conditions)
    .filter(isObject)
    .map((c) => definedOnly({ type: str(c.type) ?? '', status: str(c.status) ?? 'Unknown', reason: str(c.reason) || undefined, message: str(c.message)?.slice(0, MESSAGE_LIMIT) || undefined }));
}

/** Whether a status condition is True; null when the object does not report it. */
export function conditionTrue(status: Json, type: string): boolean | null {
  const cond = arr(status.conditions).filter(isObject).find((c) => c.type === type);
  return cond ? cond.status === 'True' : null;
}
