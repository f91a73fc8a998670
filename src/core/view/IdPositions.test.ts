import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TopologyEdge } from '../../shared/model';
import { differingRuns, forEachKept, IdPositions, movedBack, movedPast, type Run } from './IdPositions';

/**
 * A run of the nodes replaced: by some of its ids kept, new ids, or (`withGroups`) ids named as
 * groups so far (a workload its pods named before it came). `longLists`: its start is spread over
 * lists of up to 200 ids, their ends included, rather than mostly near their beginning.
 */
const replacedRun = (withGroups: boolean, longLists: boolean) =>
  fc.record({
    start: longLists ? fc.nat({ max: 200 }) : fc.nat(),
    length: fc.nat({ max: 6 }),
    replacement: fc.array(fc.constantFrom<'kept' | 'new' | 'group'>('kept', 'new', ...(withGroups ? ['group' as const] : [])), { maxLength: 6 }),
  });

/** A step: one or two runs replaced, and groups named on these positions and on the ones before. */
const step = (withGroups = true, longLists = false) =>
  fc.record({
    runs: fc.array(replacedRun(withGroups, longLists), { minLength: 1, maxLength: 2 }),
    groups: fc.nat({ max: 2 }),
    groupsBefore: fc.nat({ max: 2 }),
  });

type Step = ReturnType<typeof step> extends fc.Arbitrary<infer T> ? T : never;

describe('IdPositions', () => {
  /**
   * Checks positions taken through chains of steps against positions made from nothing, for lists
   * of `counts` ids; says how many times seven steps were folded into one.
   */
  function checkChains(counts: fc.Arbitrary<number>, chains: fc.Arbitrary<Step[]>, seed: number): number {
    let folds = 0;
    fc.assert(
      fc.property(counts, chains, (count, steps) => {
        let made = 0;
        const fresh = () => `id-${made++}`;
        let nodes = Array.from({ length: count }, fresh);
        let groups: string[] = [];
        let positions = IdPositions.of([...nodes]);
        const seen = new Set(nodes);
        for (const { runs: replaced, groups: named, groupsBefore } of steps) {
          // The runs in order, apart, within the nodes.
          const runs: Run[] = [];
          const next: string[] = [];
          let [from, shift] = [0, 0];
          for (const { start: at, length, replacement } of replaced) {
            const start = Math.min(from + at, nodes.length);
            const end = Math.min(nodes.length, start + length);
            const removed = nodes.slice(start, end);
            const run = replacement.map((kind, i) => {
              if (kind === 'kept' && removed[i] !== undefined) return removed[i];
              if (kind === 'group' && groups.length > 0) return groups.shift()!;
              return fresh();
            });
            next.push(...nodes.slice(from, start), ...run);
            runs.push({ oldStart: start, oldEnd: end, newStart: start + shift, newEnd: start + shift + run.length });
            [from, shift] = [end, shift + run.length - (end - start)];
          }
          next.push(...nodes.slice(from));
          const before = positions;
          positions = IdPositions.around(before, runs, next.map((id) => ({ id })));
          if (stepsOf(positions) === 1 && stepsOf(before) > 1) folds++;
          // Groups named on the positions before, after these were made, are not these positions' own.
          for (let g = 0; g < groupsBefore; g++) seen.add(before.ids[before.positionOf(fresh())]);
          nodes = next;
          groups = groups.filter((group) => !nodes.includes(group));
          for (let g = 0; g < named; g++) groups.push(fresh());
          for (const group of groups) positions.positionOf(group);
          for (const id of [...nodes, ...groups]) seen.add(id);
          const truth = IdPositions.of([...positions.ids]);
          expect(positions.ids.slice(0, nodes.length)).toEqual(nodes);
          expect(new Set(positions.ids).size).toBe(positions.ids.length);
          for (const id of seen) expect(positions.get(id)).toBe(truth.get(id));
          nodes.forEach((id, i) => expect(positions.get(id)).toBe(i));
          for (const group of groups) expect(positions.get(group)).toBeGreaterThanOrEqual(nodes.length);
        }
      }),
      { numRuns: 300, seed },
    );
    return folds;
  }
  const stepsOf = (positions: IdPositions) => (Reflect.get(positions, 'steps') as unknown[]).length;

  it('finds every id where it stands through chains of runs replaced, and none that went, as positions made from nothing do', () => {
    checkChains(fc.nat({ max: 12 }), fc.array(step(), { minLength: 1, maxLength: 20 }), 20261202);
  });

  it('finds them so through steps folded into one, in longer lists whose runs are a small part of them', () => {
    // No group becomes a node here: that makes the positions anew, not folded.
    expect(checkChains(fc.integer({ min: 60, max: 200 }), fc.array(step(false, true), { minLength: 7, maxLength: 30 }), 20261203)).toBeGreaterThan(200);
  });

  it("gives an edge end that names a group, or no node, -1: looked up, near the last edge's end, or kept from before", () => {
    const edge = (source: string, target: string) => ({ source, target }) as TopologyEdge;
    const positions = IdPositions.of(['n0', 'n1', 'n2']);
    expect(positions.positionOf('Zone/a')).toBe(3);
    // The second edge's target is looked for next to the first's (n2), where the group follows the nodes.
    const edges = [edge('n0', 'n2'), edge('n1', 'Zone/a'), edge('n2', 'gone')];
    const ends = positions.edgeEnds(edges);
    expect([...ends]).toEqual([0, 2, 1, -1, 2, -1]);
    // n2 rebuilt: the first two edges are kept, the group stays past the nodes.
    const after = IdPositions.around(positions, [{ oldStart: 2, oldEnd: 3, newStart: 2, newEnd: 3 }], [{ id: 'n0' }, { id: 'n1' }, { id: 'n2b' }]);
    expect(after.get('Zone/a')).toBe(3);
    const next = [edges[0], edges[1], edge('n2b', 'Zone/a')];
    expect([...after.edgeEnds(next, { edges, ends, runs: [{ oldStart: 2, oldEnd: 3, newStart: 2, newEnd: 3 }] })]).toEqual([0, -1, 1, -1, 2, -1]);
  });

  it('finds where two lists differ, by identity: in one run, or in one run per stretch of parts that differ', () => {
    const [a, b, c, d] = [{}, {}, {}, {}];
    expect(differingRuns([a, b, c], [a, d, c])).toEqual([{ oldStart: 1, oldEnd: 2, newStart: 1, newEnd: 2 }]);
    expect(differingRuns([a, b], [a, b, c])).toEqual([{ oldStart: 2, oldEnd: 2, newStart: 2, newEnd: 3 }]);
    expect(differingRuns([a, b, c], [a, c])).toEqual([{ oldStart: 1, oldEnd: 2, newStart: 1, newEnd: 1 }]);
    expect(differingRuns([a, b], [a, b])).toEqual([]);
    // Parts in the order of their keys (x, y, z, then w out of it): y rebuilt (one entry more), z rebuilt, x the same.
    const entry = (part: string) => ({ part });
    const [x1, x2, y1, y2, z1, w1] = ['x', 'x', 'y', 'y', 'z', 'w'].map(entry);
    const [y1b, y2b, y3b, z1b] = ['y', 'y', 'y', 'z'].map(entry);
    const partOf = (e: { part: string }) => e.part;
    expect(differingRuns([x1, x2, y1, y2, z1, w1], [x1, x2, y1b, y2b, y3b, z1, w1], partOf)).toEqual([{ oldStart: 2, oldEnd: 4, newStart: 2, newEnd: 5 }]);
    expect(differingRuns([x1, y1, y2, z1, w1], [x1, y1b, y2b, y3b, z1b, w1], partOf)).toEqual([{ oldStart: 1, oldEnd: 4, newStart: 1, newEnd: 5 }]);
    expect(differingRuns([x1, y1, y2, w1, z1], [y1b, y2b, y3b, w1, z1b], partOf)).toEqual([
      { oldStart: 0, oldEnd: 3, newStart: 0, newEnd: 3 },
      { oldStart: 4, oldEnd: 5, newStart: 4, newEnd: 5 },
    ]);
  });

  it('moves a position outside the runs past them and back, and none within them', () => {
    const [x1, x2, y1, w1, w2, z1, v1] = ['a', 'a', 'b', 'c', 'c', 'd', 'e'].map((part) => ({ part }));
    const [y1b, y2b] = ['b', 'b'].map((part) => ({ part }));
    const old = [x1, x2, y1, w1, w2, z1, v1];
    const now = [x1, x2, y1b, y2b, w1, w2, v1];
    const runs = differingRuns(old, now, (e) => e.part);
    expect(runs).toEqual([
      { oldStart: 2, oldEnd: 3, newStart: 2, newEnd: 4 },
      { oldStart: 5, oldEnd: 6, newStart: 6, newEnd: 6 },
    ]);
    const kept: [number, number][] = [];
    forEachKept(runs, old.length, (i, was) => kept.push([i, was]));
    expect(kept).toEqual([[0, 0], [1, 1], [4, 3], [5, 4], [6, 6]]);
    for (const [i, was] of kept) {
      expect(now[i]).toBe(old[was]);
      expect(movedPast(was, runs)).toBe(i);
      expect(movedBack(i, runs)).toBe(was);
    }
    expect([2, 5].map((was) => movedPast(was, runs))).toEqual([undefined, undefined]);
    expect([2, 3].map((i) => movedBack(i, runs))).toEqual([undefined, undefined]);
    // Past the list (a group's position), moved with the last run.
    expect(movedPast(9, runs)).toBe(9);
    expect(movedBack(9, runs)).toBe(9);
  });
});
