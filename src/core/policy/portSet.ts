import type { Protocol } from '../../shared/kube';

/** The protocols NetworkPolicy defines (rule 18): anything else has no defined behaviour. */
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
export const MAX_PORT = 65535;

/** Inclusive port range. */
export type PortRange = readonly [number, number];

/**
 * A set of (protocol, port) pairs as sorted, disjoint, non-adjacent inclusive ranges per protocol.
 * Immutable: every operation returns a new set. Verdicts over whole port spaces are computed with
 * it, so one evaluation answers every port at once.
 */
export class PortSet {
  private constructor(private readonly ranges: Readonly<Record<Protocol, readonly PortRange[]>>) {}

  static readonly EMPTY = new PortSet({ TCP: [], UDP: [], SCTP: [] });
  static readonly ALL = new PortSet({ TCP: [[1, MAX_PORT]], UDP: [[1, MAX_PORT]], SCTP: [[1, MAX_PORT]] });

  /** Ports `from`..`to` (inclusive) of one protocol; the whole protocol when `from` is absent. */
  static of(protocol: Protocol, from?: number, to = from): PortSet {
    const range: PortRange = from === undefined ? [1, MAX_PORT] : [Math.max(1, from), Math.min(MAX_PORT, to ?? from)];
    if (range[0] > range[1]) return PortSet.EMPTY;
    return new PortSet({ ...PortSet.EMPTY.ranges, [protocol]: [range] });
  }

  get(protocol: Protocol): readonly PortRange[] {
    return this.ranges[protocol];
  }

  isEmpty(): boolean {
    return PROTOCOLS.every((p) => this.ranges[p].length === 0);
  }

  isAll(): boolean {
    return PROTOCOLS.every((p) => this.ranges[p].length === 1 && this.ranges[p][0][0] === 1 && this.ranges[p][0][1] === MAX_PORT);
  }

  has(protocol: Protocol, port: number): boolean {
    return this.ranges[protocol].some(([lo, hi]) => port >= lo && port <= hi);
  }

  equals(other: PortSet): boolean {
    return PROTOCOLS.every((p) => this.ranges[p].length === other.ranges[p].length && this.ranges[p].every((r, i) => r[0] === other.ranges[p][i][0] && r[1] === other.ranges[p][i][1]));
  }

  union(other: PortSet): PortSet {
    if (other.isEmpty() || this.isAll()) return this;
    if (this.isEmpty() || other.isAll()) return other;
    return this.each(other, unionRanges);
  }

  intersect(other: PortSet): PortSet {
    if (this.isEmpty() || other.isAll()) return this;
    if (other.isEmpty() || this.isAll()) return other;
    return this.each(other, intersectRanges);
  }

  subtract(other: PortSet): PortSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    if (other.isAll()) return PortSet.EMPTY;
    return this.each(other, subtractRanges);
  }

  private each(other: PortSet, op: (a: readonly PortRange[], b: readonly PortRange[]) => readonly PortRange[]): PortSet {
    return new PortSet({ TCP: op(this.ranges.TCP, other.ranges.TCP), UDP: op(this.ranges.UDP, other.ranges.UDP), SCTP: op(this.ranges.SCTP, other.ranges.SCTP) });
  }

  /** `All Connections`, or per-protocol ranges such as `TCP 1-65535, UDP 1-52,54-65535`; `No Connections` when empty. */
  toString(): string {
    if (this.isAll()) return 'All Connections';
    if (this.isEmpty()) return 'No Connections';
    return PROTOCOLS.filter((p) => this.ranges[p].length)
      .map((p) => `${p} ${this.ranges[p].map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(',')}`)
      .join(', ');
  }

  /** Plain data for JSON output: protocol → ranges, leaving out empty protocols. */
  toJSON(): Partial<Record<Protocol, [number, number][]>> {
    const out: Partial<Record<Protocol, [number, number][]>> = {};
    for (const p of PROTOCOLS) if (this.ranges[p].length) out[p] = this.ranges[p].map(([lo, hi]) => [lo, hi]);
    return out;
  }
}

// Range lists are sorted, disjoint and non-adjacent; each operation keeps them so.

function unionRanges(a: readonly PortRange[], b: readonly PortRange[]): readonly PortRange[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: PortRange[] = [all[0]];
  for (let i = 1; i < all.length; i++) {
    const last = out[out.length - 1];
    if (all[i][0] <= last[1] + 1) out[out.length - 1] = [last[0], Math.max(last[1], all[i][1])];
    else out.push(all[i]);
  }
  return out;
}

function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): readonly PortRange[] {
  const out: PortRange[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

function subtractRanges(a: readonly PortRange[], b: readonly PortRange[]): readonly PortRange[] {
  if (b.length === 0 || a.length === 0) return a;
  const out: PortRange[] = [];
  let j = 0;
  for (const [lo0, hi] of a) {
    let lo = lo0;
    while (j < b.length && b[j][1] < lo) j++;
    let k = j;
    while (k < b.length && b[k][0] <= hi && lo <= hi) {
      if (b[k][0] > lo) out.push([lo, b[k][0] - 1]);
      lo = Math.max(lo, b[k][1] + 1);
      k++;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}
