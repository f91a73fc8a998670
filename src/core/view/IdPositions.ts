import type { TopologyEdge } from '../../shared/model';

/** Where two lists differ: the same entries before `start`, and in the last `after` places, from `oldEnd` in the old list and `newEnd` in the new one. */
export interface DifferingRun {
  start: number;
  oldEnd: number;
  newEnd: number;
  after: number;
}

/** Where two lists differ, comparing entries by identity. */
export function differingRun<T>(old: readonly T[], now: readonly T[]): DifferingRun {
  const shortest = Math.min(old.length, now.length);
  let start = 0;
  while (start < shortest && old[start] === now[start]) start++;
  let after = 0;
  while (after < shortest - start && old[old.length - 1 - after] === now[now.length - 1 - after]) after++;
  return { start, oldEnd: old.length - after, newEnd: now.length - after, after };
}

/** A position in a list before a run was replaced, in the list after: the same before the run, moved after it, undefined within it. */
export function movedPast(position: number, run: DifferingRun): number | undefined {
  if (position < run.start) return position;
  return position >= run.oldEnd ? position + run.newEnd - run.oldEnd : undefined;
}

/** A position in the list after a run was replaced, in the list before: `movedPast` undone. */
export function movedBack(position: number, run: DifferingRun): number | undefined {
  if (position < run.start) return position;
  return position >= run.newEnd ? position - run.newEnd + run.oldEnd : undefined;
}

/** One step from the positions before to these: a run replaced, what followed it moved, and ids named since. */
interface Step extends DifferingRun {
  /** How many positions the ids before had when this step was made: those named later are not this step's. */
  limit: number;
  /** The run's ids, and the ids named after them (groups), at their positions after the step. */
  own: Map<string, number>;
}

/** How many steps a look-up may go through before the positions are made again from scratch. */
const MOST_STEPS = 6;

/**
 * Where each id stands: a topology's nodes by index, then the groups', numbered as they are named.
 * Topologies that follow one another usually differ in one run of nodes (a namespace's part
 * rebuilt when pods come or go). Their positions are then the ones before, with the run's ids
 * replaced and those after it moved, and not a map of every id made again (150 ms at 150,000
 * pods). After a few such steps the map is made again, so that a look-up stays a few map reads.
 */
export class IdPositions {
  private constructor(
    /** The ids by position; shared with nothing, so that ids named later are this one's alone. */
    readonly ids: string[],
    private readonly base: Map<string, number>,
    private readonly steps: readonly Step[],
  ) {}

  /** Positions made from scratch for these ids. */
  static of(ids: string[]): IdPositions {
    const base = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) base.set(ids[i], i);
    return new IdPositions(ids, base, []);
  }

  /**
   * `before`'s positions with a run of its nodes replaced by `runIds`: the ids before the run stay
   * where they are, those after it (the groups too) move with it.
   */
  static around(before: IdPositions, run: DifferingRun, runIds: readonly string[]): IdPositions {
    const limit = before.ids.length;
    const shift = run.newEnd - run.oldEnd;
    const ids = new Array<string>(limit + shift);
    for (let i = 0; i < run.start; i++) ids[i] = before.ids[i];
    for (let i = run.start; i < run.newEnd; i++) ids[i] = runIds[i - run.start];
    for (let i = run.oldEnd; i < limit; i++) ids[i + shift] = before.ids[i];
    // Kept deeper, a look-up would read many maps: made again, from the ids just put together.
    if (before.steps.length >= MOST_STEPS) return IdPositions.of(ids);
    const own = new Map<string, number>();
    for (let i = run.start; i < run.newEnd; i++) own.set(ids[i], i);
    return new IdPositions(ids, before.base, [...before.steps, { ...run, limit, own }]);
  }

  get(id: string): number | undefined {
    let position = this.base.get(id);
    for (const step of this.steps) {
      if (position !== undefined) position = position < step.limit ? movedPast(position, step) : undefined;
      if (position === undefined) position = step.own.get(id);
    }
    return position;
  }

  /** An id's position, given one after the rest when it has none (groups get theirs as they are named). */
  positionOf(id: string): number {
    let position = this.get(id);
    if (position === undefined) {
      position = this.ids.push(id) - 1;
      (this.steps.at(-1)?.own ?? this.base).set(id, position);
    }
    return position;
  }

  get size(): number {
    return this.ids.length;
  }

  /**
   * Each edge's source and target positions, two entries per edge (-1 for an end that is not a
   * node). Given the edges before a run of nodes was replaced and their ends' positions, the edges
   * that are the same objects keep theirs, moved with the run (an end in the run is looked up).
   */
  edgeEnds(edges: readonly TopologyEdge[], before?: { edges: readonly TopologyEdge[]; ends: Int32Array; run: DifferingRun }): Int32Array {
    const ends = new Int32Array(edges.length * 2);
    const kept = before ? differingRun(before.edges, edges) : { start: 0, oldEnd: 0, newEnd: edges.length, after: 0 };
    for (let i = kept.start; i < kept.newEnd; i++) {
      ends[2 * i] = this.positionNear(edges[i].source, i > 0 ? ends[2 * i - 2] : -1);
      ends[2 * i + 1] = this.positionNear(edges[i].target, i > 0 ? ends[2 * i - 1] : -1);
    }
    if (!before) return ends;
    const { ends: old, run } = before;
    // An end in the run, or that was no node, is looked up; the edge is read only then.
    const move = (i: number, was: number) => {
      const [source, target] = [old[2 * was], old[2 * was + 1]];
      ends[2 * i] = (source >= 0 ? movedPast(source, run) : undefined) ?? this.get(edges[i].source) ?? -1;
      ends[2 * i + 1] = (target >= 0 ? movedPast(target, run) : undefined) ?? this.get(edges[i].target) ?? -1;
    };
    for (let i = 0; i < kept.start; i++) move(i, i);
    for (let i = kept.newEnd; i < edges.length; i++) move(i, i - kept.newEnd + kept.oldEnd);
    return ends;
  }

  /**
   * An id's position, looked for first at the last edge's end and the node after it: edges sorted by
   * id come in runs, from one node (a slice's endpoints) or from one node to the next (each pod to
   * its Node), and comparing two strings, usually the very same one, is cheaper than a map lookup
   * (70 → 20 ms at 150,000 pods). Node ids are unique (the parts are built by id), so a match is the node.
   */
  private positionNear(id: string, last: number): number {
    if (last >= 0) {
      if (this.ids[last] === id) return last;
      if (this.ids[last + 1] === id) return last + 1;
    }
    return this.get(id) ?? -1;
  }
}
