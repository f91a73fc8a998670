import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differingRun, IdPositions } from './IdPositions';

/** A step: a run of the nodes replaced (some of its ids kept, some new), and groups named on this positions and on the one before. */
const step = fc.record({
  start: fc.nat(),
  length: fc.nat({ max: 6 }),
  replacement: fc.array(fc.oneof(fc.constant('kept'), fc.constant('new')), { maxLength: 6 }),
  groups: fc.nat({ max: 2 }),
  groupsBefore: fc.nat({ max: 2 }),
});

describe('IdPositions', () => {
  it('finds every id where it stands through chains of runs replaced, and none that went, as positions made from nothing do', () => {
    fc.assert(
      fc.property(fc.nat({ max: 12 }), fc.array(step, { minLength: 1, maxLength: 20 }), (count, steps) => {
        let made = 0;
        const fresh = () => `id-${made++}`;
        let nodes = Array.from({ length: count }, fresh);
        const groups: string[] = [];
        let positions = IdPositions.of([...nodes]);
        const seen = new Set(nodes);
        for (const { start: at, length, replacement, groups: named, groupsBefore } of steps) {
          const start = Math.min(at, nodes.length);
          const end = Math.min(nodes.length, start + length);
          const removed = nodes.slice(start, end);
          const run = replacement.map((kind, i) => (kind === 'kept' && removed[i] !== undefined ? removed[i] : fresh()));
          const next = [...nodes.slice(0, start), ...run, ...nodes.slice(end)];
          const before = positions;
          positions = IdPositions.around(before, { start, oldEnd: end, newEnd: start + run.length, after: nodes.length - end }, run);
          // Groups named on the positions before, after these were made, are not these positions' own.
          for (let g = 0; g < groupsBefore; g++) seen.add(before.ids[before.positionOf(fresh())]);
          nodes = next;
          for (let g = 0; g < named; g++) groups.push(fresh());
          for (const group of groups) positions.positionOf(group);
          for (const id of [...nodes, ...groups]) seen.add(id);
          const truth = IdPositions.of([...positions.ids]);
          expect(positions.ids.slice(0, nodes.length)).toEqual(nodes);
          for (const id of seen) expect(positions.get(id)).toBe(truth.get(id));
          nodes.forEach((id, i) => expect(positions.get(id)).toBe(i));
        }
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('finds where two lists differ, by identity', () => {
    const [a, b, c, d] = [{}, {}, {}, {}];
    expect(differingRun([a, b, c], [a, d, c])).toEqual({ start: 1, oldEnd: 2, newEnd: 2, after: 1 });
    expect(differingRun([a, b], [a, b, c])).toEqual({ start: 2, oldEnd: 2, newEnd: 3, after: 0 });
    expect(differingRun([a, b, c], [a, c])).toEqual({ start: 1, oldEnd: 2, newEnd: 1, after: 1 });
  });
});
