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
    return this.combine(other, (a, b) => a || b);
  }

  intersect(other: PortSet): PortSet {
    if (this.isEmpty() || other.isAll()) return this;
    if (other.isEmpty() || this.isAll()) return other;
    return this.combine(other, (a, b) => a && b);
  }

  subtract(other: PortSet): PortSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    return this.combine(other, (a, b) => a && !b);
  }

  /** A sweep over both sets' boundaries, keeping the stretches where `keep` holds. */
  private combine(other: PortSet, keep: (inThis: boolean, inOther: boolean) => boolean): PortSet {
    const out = {} as Record<Protocol, PortRange[]>;
    for (const protocol of PROTOCOLS) {
      const a = this.ranges[protocol];
      const b = other.ranges[protocol];
      const cuts = new Set<number>([1]);
      for (const [lo, hi] of [...a, ...b]) cuts.add(lo).add(hi + 1);
      const points = [...cuts].filter((p) => p <= MAX_PORT).sort((x, y) => x - y);
      const inside = (ranges: readonly PortRange[], port: number) => ranges.some(([lo, hi]) => port >= lo && port <= hi);
      const ranges: PortRange[] = [];
      points.forEach((start, i) => {
        const end = (points[i + 1] ?? MAX_PORT + 1) - 1;
        if (!keep(inside(a, start), inside(b, start))) return;
        const last = ranges.at(-1);
        if (last && last[1] + 1 === start) ranges[ranges.length - 1] = [last[0], end];
        else ranges.push([start, end]);
      });
      out[protocol] = ranges;
    }
    return new PortSet(out);
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
