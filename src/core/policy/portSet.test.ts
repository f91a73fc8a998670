import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PortSet } from './portSet';

const small = fc.array(fc.tuple(fc.constantFrom('TCP' as const, 'UDP' as const), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 5 })), { maxLength: 4 });
const build = (parts: [('TCP' | 'UDP'), number, number][]) => parts.reduce((set, [p, lo, len]) => set.union(PortSet.of(p, lo, lo + len)), PortSet.EMPTY);
const members = (set: PortSet) => ['TCP', 'UDP'].flatMap((p) => Array.from({ length: 50 }, (_, i) => i + 1).filter((port) => set.has(p as 'TCP', port)).map((port) => `${p}${port}`));

describe('PortSet', () => {
  it('writes ranges per protocol, and All Connections for everything', () => {
    expect(String(PortSet.ALL)).toBe('All Connections');
    expect(String(PortSet.of('TCP').union(PortSet.of('UDP')).subtract(PortSet.of('UDP', 53)))).toBe('TCP 1-65535, UDP 1-52,54-65535');
    expect(String(PortSet.of('TCP', 80).union(PortSet.of('TCP', 81)).union(PortSet.of('TCP', 443)))).toBe('TCP 80-81,443');
    expect(PortSet.of('SCTP', 9).toJSON()).toEqual({ SCTP: [[9, 9]] });
  });

  it('union, intersection and difference agree with sets of single ports', () => {
    fc.assert(
      fc.property(small, small, (x, y) => {
        const a = build(x);
        const b = build(y);
        const inA = new Set(members(a));
        const inB = new Set(members(b));
        expect(new Set(members(a.union(b)))).toEqual(new Set([...inA, ...inB]));
        expect(new Set(members(a.intersect(b)))).toEqual(new Set([...inA].filter((m) => inB.has(m))));
        expect(new Set(members(a.subtract(b)))).toEqual(new Set([...inA].filter((m) => !inB.has(m))));
        expect(a.union(b).equals(b.union(a))).toBe(true);
      }),
      { numRuns: 300, seed: 1123 },
    );
  });
});
