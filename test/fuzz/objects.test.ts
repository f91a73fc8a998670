/**
 * Fuzz: objects with wrong types in the fields Strata reads, as a hand-edited manifest, a
 * misbehaving API server or a CRD at another version would send them. Each is either stripped
 * into a well-typed object or refused with a MalformedObjectError; what is stripped then goes
 * through the whole core (topology, policy decisions, diagnostics) without a throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/diagnostics/IncrementalDiagnostics';
import { MalformedObjectError, stripObject } from '../../src/core/kube/strip';
import { parseManifests } from '../../src/core/manifests/parseManifests';
import { PolicyEngine } from '../../src/core/policy/PolicyEngine';
import { buildTopology } from '../../src/core/topology/buildTopology';
import type { KubeObject, Pod } from '../../src/shared/kube';
import { idOf } from '../../src/shared/kube';
import { FUZZ, mutatedObject, rawObjects } from './fuzzing';

const raws = rawObjects();
const baseline = raws.map((r) => stripObject(r)).filter((o): o is KubeObject => !!o);
const NOW = Date.parse('2026-11-30T02:13:00Z');

/** Strips, or refuses with MalformedObjectError; anything else thrown fails the property. */
function stripOrRefuse(raw: unknown): KubeObject | undefined {
  try {
    return stripObject(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedObjectError);
    expect((error as Error).message).not.toMatch(/\bundefined\b|\[object Object\]/);
    return undefined;
  }
}

/** Well-typed means data the renderer and the recording can carry: no NaN, Infinity, holes or functions (an absent field may read as undefined). */
function expectPlainData(value: unknown, where: string): void {
  if (typeof value === 'number') expect(Number.isFinite(value), `${where} is ${value}`).toBe(true);
  else if (Array.isArray(value)) value.forEach((v, i) => expectPlainData(v, `${where}[${i}]`));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (v !== undefined) expectPlainData(v, `${where}.${k}`);
  }
  else expect(['string', 'boolean', 'object'], `${where} is ${typeof value}`).toContain(typeof value);
}

/** The cluster with `objects` in place of the baseline's objects of the same id. */
function clusterWith(objects: readonly KubeObject[]): KubeObject[] {
  const byId = new Map(baseline.map((o) => [idOf(o), o]));
  for (const o of objects) byId.set(idOf(o), o);
  return [...byId.values()];
}

function exerciseCore(objects: KubeObject[]): void {
  const topology = buildTopology({ objects });
  expect(topology.nodes.length).toBeGreaterThan(0);
  const engine = new PolicyEngine(objects);
  const pods = objects.filter((o): o is Pod => o.kind === 'Pod');
  for (const source of pods.slice(0, 12)) for (const destination of pods.slice(0, 12)) engine.evaluate({ pod: source }, { pod: destination });
  for (const pod of pods.slice(0, 12)) engine.evaluate({ pod }, { ip: '10.1.2.3' });
  diagnose({ objects }, { clock: () => NOW });
}

describe('objects with wrong types in the fields Strata reads', () => {
  it('are stripped into well-typed objects or refused, and the core takes what is stripped', () => {
    fc.assert(
      fc.property(fc.array(mutatedObject(raws), { minLength: 1, maxLength: 3 }), (mutated) => {
        const stripped = mutated.map(stripOrRefuse).filter((o): o is KubeObject => !!o);
        for (const object of stripped) expectPlainData(object, object.kind);
        exerciseCore(clusterWith(stripped));
      }),
      FUZZ,
    );
  });

  it('in a manifest file are notes naming the file, and the other documents still load', () => {
    fc.assert(
      fc.property(mutatedObject(raws), (mutated) => {
        const text = [JSON.stringify(mutated), JSON.stringify(raws[0])].join('\n---\n');
        const parsed = parseManifests(text, 'broken.yaml');
        expect(parsed.objects.length).toBeGreaterThanOrEqual(1);
        for (const note of parsed.notes) expect(note.file).toBe('broken.yaml');
      }),
      FUZZ,
    );
  });
});
