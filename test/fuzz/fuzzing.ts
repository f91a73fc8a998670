/**
 * Shared by the fuzz properties: how many cases to try, the raw objects to mutate, and what a
 * good error looks like. `npm run fuzz -- --runs N` sets STRATA_FUZZ_RUNS for a long run; CI
 * tries a few hundred cases per target.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { expect } from 'vitest';

export const RUNS = Number(process.env.STRATA_FUZZ_RUNS || 200);

/** fast-check's parameters for every target; a seed from the environment replays a failure. */
export const FUZZ: fc.Parameters<unknown> = { numRuns: RUNS, ...(process.env.STRATA_FUZZ_SEED ? { seed: Number(process.env.STRATA_FUZZ_SEED) } : {}) };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type RawObject = Record<string, Json>;

const DEMO = join(import.meta.dirname, '../../resources/demo/cluster');

/** Every object of the demo cluster as written (raw YAML), plus the kinds the demo does not use. */
export function rawObjects(): RawObject[] {
  const raws: RawObject[] = [];
  for (const file of readdirSync(DEMO).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(DEMO, file), 'utf8'))) {
      const value = doc.toJS() as RawObject | null;
      if (value && typeof value === 'object') raws.push(value);
    }
  }
  raws.push(
    {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name: 'tenants' },
      spec: {
        priority: 10,
        subject: { namespaces: { matchLabels: { tenant: 'shop' } } },
        ingress: [{ name: 'deny-others', action: 'Deny', from: [{ namespaces: { matchExpressions: [{ key: 'tenant', operator: 'NotIn', values: ['shop'] }] } }], ports: [{ portNumber: { port: 80, protocol: 'TCP' } }, { portRange: { start: 8000, end: 9000 } }, { namedPort: 'http' }] }],
        egress: [{ name: 'pass-dns', action: 'Pass', to: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } } }, { networks: ['10.0.0.0/8'] }, { nodes: { matchLabels: {} } }] }],
      },
    },
    {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'BaselineAdminNetworkPolicy',
      metadata: { name: 'default' },
      spec: { subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'cart' } } } }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }], egress: [{ action: 'Allow', to: [{ networks: ['0.0.0.0/0'] }] }] },
    },
  );
  return raws;
}

/** Every path into a JSON value (object keys and array indexes), the root excluded. */
export function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : value && typeof value === 'object' ? Object.entries(value) : [];
  for (const [key, child] of entries) {
    out.push([...prefix, key]);
    pathsOf(child, [...prefix, key], out);
  }
  return out;
}

/** A copy of `value` with the value at `path` replaced, or removed when `replacement` is undefined. */
export function withValueAt(value: Json, path: readonly (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === undefined) copy.splice(Number(head), 1);
    else copy[Number(head)] = withValueAt(copy[Number(head)], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, Json>) };
  if (rest.length === 0 && replacement === undefined) delete copy[head];
  else copy[head] = withValueAt(copy[head], rest, replacement);
  return copy;
}

/** A value of any JSON type, the awkward ones weighted up: wrong types, huge numbers, odd strings. */
export const strangeValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, -0, '', ' ', '0', 'true', '-1', '65536', '10.0.0.0/33', '::/129', 'a'.repeat(300), '\u0000', '%', 'In', [], {}),
  fc.integer(),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

/** A raw object with 1–4 of its fields replaced by strange values or removed. */
export function mutatedObject(raws: readonly RawObject[]): fc.Arbitrary<Json> {
  return fc.constantFrom(...raws).chain((raw) => {
    const paths = pathsOf(raw);
    const edit = fc.tuple(fc.constantFrom(...paths), fc.option(strangeValue, { nil: undefined, freq: 5 }));
    return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce<Json>((value, [path, replacement]) => withValueAt(value, path, replacement), raw));
  });
}

/**
 * What a user must see when an input is bad: one line, naming the input, with no stack, no
 * `undefined` and no `[object Object]`.
 */
export function expectSentenceNaming(error: unknown, input: string): void {
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message, message).toContain(input);
  expect(message, message).not.toMatch(/\n|\bundefined\b|\[object Object\]|^\s*at /);
  expect(message.length).toBeLessThan(600);
}
