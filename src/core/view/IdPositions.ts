import type { Topology, TopologyEdge } from '../../shared/model';

/** A run of entries that differ between two lists: `[oldStart, oldEnd)` in the old one, `[newStart, newEnd)` in the new one. */
export interface Run {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/** Where two lists differ: runs in order, with the same entries (the same objects) between them and around them. */
export type Runs = readonly Run[];

/**
 * Where two lists differ, comparing entries by identity. Without `partOf`, in one run between the
 * same first and last entries. With it, lists made of parts laid out in the order of their keys
 * (a topology's namespaces), in one run per stretch of parts that differ: where the lists part,
 * whole parts are passed over on both sides until they meet again. Whatever the parts, the entries
 * outside the runs are the same objects, which is all the runs promise.
 */
export function differingRuns<T>(old: readonly T[], now: readonly T[], partOf?: (entry: T) => string): Runs {
  let [i, j] = [0, 0];
  if (!partOf) {
    const shortest = Math.min(old.length, now.length);
    while (i < shortest && old[i] === now[i]) i++;
    let after = 0;
    while (after < shortest - i && old[old.length - 1 - after] === now[now.length - 1 - after]) after++;
    return i === old.length && i === now.length ? [] : [{ oldStart: i, oldEnd: old.length - after, newStart: i, newEnd: now.length - after }];
  }
  const runs: Run[] = [];
  while (i < old.length && j < now.length) {
    if (old[i] === now[j]) {
      i++;
      j++;
      continue;
    }
    const [oldStart, newStart] = [i, j];
    while (i < old.length && j < now.length && old[i] !== now[j]) {
      const [a, b] = [partOf(old[i]), partOf(now[j])];
      const part = a < b ? a : b;
      while (i < old.length && partOf(old[i]) === part) i++;
      while (j < now.length && partOf(now[j]) === part) j++;
    }
    // One list ended apart from the other: the rest of both is the run.
    if (i >= old.length || j >= now.length) [i, j] = [old.length, now.length];
    runs.push({ oldStart, oldEnd: i, newStart, newEnd: j });
  }
  if (i < old.length || j < now.length) runs.push({ oldStart: i, oldEnd: old.length, newStart: j, newEnd: now.length });
  return runs;
}

/** Whether two topologies have the same node ids, and the same edges (type and ends), in the same order. */
export function sameIdsInOrder(a: Topology, b: Topology): boolean {
  if (a.nodes.length !== b.nodes.length || a.edges.length !== b.edges.length) return false;
  for (let i = 0; i < a.nodes.length; i++) if (a.nodes[i].id !== b.nodes[i].id) return false;
  for (let i = 0; i < a.edges.length; i++) {
    const x = a.edges[i];
    const y = b.edges[i];
    if (x !== y && (x.source !== y.source || x.target !== y.target || x.type !== y.type)) return false;
  }
  return true;
}

/** A position in a list before its runs were replaced, in the list after: moved with the runs before it; undefined within one. */
export function movedPast(position: number, runs: Runs): number | undefined {
  for (const run of runs) {
    if (position < run.oldStart) return position + run.newStart - run.oldStart;
    if (position < run.oldEnd) return undefined;
  }
  const last = runs.at(-1);
  return last ? position + last.newEnd - last.oldEnd : position;
}

/** A position in the list after its runs were replaced, in the list before: `movedPast` undone. */
export function movedBack(position: number, runs: Runs): number | undefined {
  for (const run of runs) {
    if (position < run.newStart) return position - run.newStart + run.oldStart;
    if (position < run.newEnd) return undefined;
  }
  const last = runs.at(-1);
  return last ? position - last.newEnd + last.oldEnd : position;
}

/** Calls `visit(i, was)` for every entry outside the runs, with its index in the new list and in the old one. */
export function forEachKept(runs: Runs, oldLength: number, visit: (i: number, was: number) => void): void {
  let [was, i] = [0, 0];
  for (const run of runs) {
    for (; was < run.oldStart; was++, i++) visit(i, was);
    [was, i] = [run.oldEnd, run.newEnd];
  }
  for (; was < oldLength; was++, i++) visit(i, was);
}

/** How many entries the runs hold in the new list, or with `side` 'old' in the old one. */
export function runLength(runs: Runs, side: 'old' | 'new' = 'new'): number {
  return runs.reduce((sum, run) => sum + (side === 'new' ? run.newEnd - run.newStart : run.oldEnd - run.oldStart), 0);
}

/**
 * A typed array of `length` entries, each `fill`, on the buffer of `spare` (the same array of facts
 * given up) when that is big enough and not over twice what is needed (a cluster much smaller than
 * the last lets the big buffers go), else on a new buffer with room to grow by a sixteenth. A
 * topology's facts are arrays by position, some megabytes at 150,000 pods, made for each revision
 * and kept until the next. Each new buffer, outside the JS heap, counted towards V8's limit of
 * external memory (64 MB over what there was at the last major garbage collection), and passing
 * it started a major collection of serve's whole heap: every 5 s under churn at 150,000 pods,
 * against none in 30 s of churn with the buffers reused.
 */
export function arrayOn<T extends Int32Array | Uint8Array>(kind: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, length: number, fill: number, spare?: T): T {
  const bytes = length * kind.BYTES_PER_ELEMENT;
  const fits = spare !== undefined && spare.buffer.byteLength >= bytes && spare.buffer.byteLength <= 2 * bytes + 64;
  const buffer = fits ? (spare.buffer as ArrayBuffer) : new ArrayBuffer((length + (length >> 4) + 16) * kind.BYTES_PER_ELEMENT);
  const array = new kind(buffer, 0, length);
  array.fill(fill);
  return array;
}

/** One step from the positions before to these: runs replaced, what followed each moved, and ids named since. */
interface Step {
  runs: Runs;
  /** How many positions the ids before had when this step was made: those named later are not this step's. */
  limit: number;
  /** The runs' ids, and the ids named after them (groups), at their positions after the step. */
  own: Map<string, number>;
}

/** How many steps a look-up may go through before they are folded into one. */
const MOST_STEPS = 6;
/**
 * Past this many runs in a folded step (each read per look-up), or past half as many ids of its
 * own as in the map it starts from (ids that went still fill that map), the positions are made
 * again from scratch instead.
 */
const MOST_FOLDED_RUNS = 32;

/**
 * Steps taken one after another as one: the base positions each keeps, moved as all of them move
 * them, and the ids of each step's own that are still where later steps left them. Made again from
 * scratch, the map of every id took 100–180 ms at 150,000 pods, every sixth topology under churn;
 * folding takes the steps' own ids, some thousands.
 */
function foldSteps(steps: readonly Step[]): Step {
  /** Where each stretch of the first step's positions that every step keeps stands after them: `[from, to)` moved by `shift`. */
  let kept = [{ from: 0, to: steps[0].limit, shift: 0 }];
  for (const { runs } of steps) {
    const next: typeof kept = [];
    for (const { from, to, shift } of kept) {
      // The stretch where it stands now (within the step's limit: every position then was), cut by the step's runs: what lies between them moves on.
      const end = to + shift;
      let at = from + shift;
      for (const run of runs) {
        if (at >= end) break;
        if (run.oldEnd <= at) continue;
        const gapEnd = Math.min(end, run.oldStart);
        if (at < gapEnd) next.push({ from: at - shift, to: gapEnd - shift, shift: shift + run.newStart - run.oldStart });
        at = Math.max(at, run.oldEnd);
      }
      const last = runs.at(-1);
      if (at < end) next.push({ from: at - shift, to: end - shift, shift: shift + (last ? last.newEnd - last.oldEnd : 0) });
    }
    kept = next;
  }
  // The stretches as runs: what lies between two of them, on either side, was replaced.
  const runs: Run[] = [];
  let [oldAt, newAt] = [0, 0];
  for (const { from, to, shift } of kept) {
    if (from > oldAt || from + shift > newAt) runs.push({ oldStart: oldAt, oldEnd: from, newStart: newAt, newEnd: from + shift });
    [oldAt, newAt] = [to, to + shift];
  }
  if (oldAt < steps[0].limit) runs.push({ oldStart: oldAt, oldEnd: steps[0].limit, newStart: newAt, newEnd: newAt });
  const own = new Map<string, number>();
  steps.forEach((step, i) => {
    for (const [id, at] of step.own) {
      let position: number | undefined = at;
      for (let j = i + 1; j < steps.length && position !== undefined; j++) position = position < steps[j].limit ? movedPast(position, steps[j].runs) : undefined;
      if (position !== undefined) own.set(id, position);
    }
  });
  return { runs, limit: steps[0].limit, own };
}

/**
 * Where each id stands: a topology's nodes by index, then the groups', numbered as they are named.
 * Topologies that follow one another usually differ in a few runs of nodes (the parts of the
 * namespaces where pods came or went). Their positions are then the ones before, with the runs'
 * ids replaced and the others moved, and not a map of every id made again (150 ms at 150,000
 * pods). After a few such steps the map is made again, so that a look-up stays a few map reads.
 */
export class IdPositions {
  private constructor(
    /** The ids by position: the nodes', then the groups'. Another `IdPositions` made from this one has its own. */
    readonly ids: string[],
    private readonly nodeCount: number,
    private readonly base: Map<string, number>,
    private readonly steps: readonly Step[],
  ) {}

  /** Positions made from scratch for these node ids. */
  static of(ids: string[]): IdPositions {
    const base = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) base.set(ids[i], i);
    return new IdPositions(ids, ids.length, base, []);
  }

  /**
   * `before`'s positions with runs of its nodes replaced by the new list's (`nodes` holds the new
   * ids, of which only the runs' are read): the ids between the runs move with those before them,
   * the groups with the last. Made again from the nodes alone (the groups named again as they are
   * asked for) when kept deeper a look-up would read many maps, or when a group becomes a node (a
   * workload that its pods named before it came): its old position would be found first.
   */
  static around(before: IdPositions, runs: Runs, nodes: readonly { id: string }[]): IdPositions {
    const limit = before.ids.length;
    const ids = new Array<string>(limit + runLength(runs) - runLength(runs, 'old'));
    forEachKept(runs, limit, (i, was) => (ids[i] = before.ids[was]));
    let groupBecameNode = false;
    for (const run of runs) {
      for (let i = run.newStart; i < run.newEnd; i++) {
        ids[i] = nodes[i].id;
        if (!groupBecameNode && (before.get(ids[i]) ?? -1) >= before.nodeCount) groupBecameNode = true;
      }
    }
    if (groupBecameNode) return IdPositions.of(ids.slice(0, nodes.length));
    const own = new Map<string, number>();
    for (const run of runs) for (let i = run.newStart; i < run.newEnd; i++) own.set(ids[i], i);
    const steps = [...before.steps, { runs, limit, own }];
    if (steps.length <= MOST_STEPS) return new IdPositions(ids, nodes.length, before.base, steps);
    const folded = foldSteps(steps);
    const worthKeeping = folded.runs.length <= MOST_FOLDED_RUNS && folded.own.size <= before.base.size / 2;
    return worthKeeping ? new IdPositions(ids, nodes.length, before.base, [folded]) : IdPositions.of(ids.slice(0, nodes.length));
  }

  get(id: string): number | undefined {
    let position = this.base.get(id);
    for (const step of this.steps) {
      if (position !== undefined) position = position < step.limit ? movedPast(position, step.runs) : undefined;
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
   * node). Given the edges before runs of nodes were replaced, their ends' positions and those
   * runs, the edges that are the same objects keep theirs, moved with the runs (an end in one is
   * looked up). `spare`: ends given up, whose buffer these may take (see arrayOn).
   */
  edgeEnds(edges: readonly TopologyEdge[], before?: { edges: readonly TopologyEdge[]; ends: Int32Array; runs: Runs }, spare?: Int32Array): Int32Array {
    const ends = arrayOn(Int32Array, edges.length * 2, 0, spare);
    const edgeRuns = before ? differingRuns(before.edges, edges) : [{ oldStart: 0, oldEnd: 0, newStart: 0, newEnd: edges.length }];
    for (const run of edgeRuns) {
      // The last edge's ends are a hint only within the run: before it, the kept edges' are not filled in yet.
      for (let i = run.newStart; i < run.newEnd; i++) {
        ends[2 * i] = this.positionNear(edges[i].source, i > run.newStart ? ends[2 * i - 2] : -1);
        ends[2 * i + 1] = this.positionNear(edges[i].target, i > run.newStart ? ends[2 * i - 1] : -1);
      }
    }
    if (!before) return ends;
    const { ends: old, runs } = before;
    // An end in a run, or that was no node, is looked up; the edge is read only then.
    forEachKept(edgeRuns, before.edges.length, (i, was) => {
      const [source, target] = [old[2 * was], old[2 * was + 1]];
      ends[2 * i] = (source >= 0 ? movedPast(source, runs) : undefined) ?? this.nodePosition(edges[i].source);
      ends[2 * i + 1] = (target >= 0 ? movedPast(target, runs) : undefined) ?? this.nodePosition(edges[i].target);
    });
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
      if (last + 1 < this.nodeCount && this.ids[last + 1] === id) return last + 1;
    }
    return this.nodePosition(id);
  }

  /** A node's position, or -1 when the id is no node (groups are numbered after the nodes, and stand for none). */
  nodePosition(id: string): number {
    const position = this.get(id);
    return position !== undefined && position < this.nodeCount ? position : -1;
  }
}
