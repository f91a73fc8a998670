import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelRank, placeLabels, type LabelBox } from './labelPlacement';

const box = (id: string, rank: number, x1: number, y1: number, w = 100, h = 12): LabelBox => ({ id, rank, x1, y1, x2: x1 + w, y2: y1 + h });

describe('placeLabels', () => {
  it('keeps the more important of two overlapping labels, and every label that overlaps nothing', () => {
    const shown = placeLabels([box('pod', 15, 50, 4), box('service', 45, 0, 0), box('far', 15, 500, 500)]);
    expect([...shown].sort()).toEqual(['far', 'service']);
  });

  it('breaks ties by id, so the same picture shows the same labels', () => {
    expect([...placeLabels([box('b', 1, 0, 0), box('a', 1, 10, 0)])]).toEqual(['a']);
    expect([...placeLabels([box('a', 1, 10, 0), box('b', 1, 0, 0)])]).toEqual(['a']);
  });

  it('leaves out a label cut by the picture’s edge, and keeps labels a gap apart', () => {
    const within = { x1: 0, y1: 0, x2: 300, y2: 300 };
    expect([...placeLabels([box('cut', 9, 250, 10), box('inside', 1, 10, 10)], { within })]).toEqual(['inside']);
    expect(placeLabels([box('a', 2, 0, 0), box('b', 1, 0, 14)], { gap: 3 }).has('b')).toBe(false);
    expect(placeLabels([box('a', 2, 0, 0), box('b', 1, 0, 14)], { gap: 1 }).has('b')).toBe(true);
  });

  it('chooses exactly what checking every pair in rank order would, and no two shown labels meet', () => {
    const boxes = fc.array(
      fc.record({ rank: fc.integer({ min: 0, max: 5 }), x: fc.integer({ min: -500, max: 500 }), y: fc.integer({ min: -500, max: 500 }), w: fc.integer({ min: 0, max: 300 }), h: fc.integer({ min: 0, max: 40 }) }),
      { maxLength: 80 },
    );
    fc.assert(
      fc.property(boxes, fc.integer({ min: 0, max: 6 }), (specs, gap) => {
        const labels = specs.map((s, i) => box(`l${String(i).padStart(3, '0')}`, s.rank, s.x, s.y, s.w, s.h));
        const shown = placeLabels(labels, { gap });
        const expected: LabelBox[] = [];
        const meets = (a: LabelBox, b: LabelBox) => a.x1 < b.x2 + gap && b.x1 < a.x2 + gap && a.y1 < b.y2 + gap && b.y1 < a.y2 + gap;
        for (const label of [...labels].sort((a, b) => b.rank - a.rank || (a.id < b.id ? -1 : 1))) {
          if (label.x2 > label.x1 && label.y2 > label.y1 && !expected.some((e) => meets(e, label))) expected.push(label);
        }
        expect([...shown].sort()).toEqual(expected.map((e) => e.id).sort());
      }),
      { numRuns: 300 },
    );
  });
});

describe('labelRank', () => {
  it('puts what is wrong first, then the layers from the entry points down, then edges', () => {
    const error = labelRank({ group: 'nodes', kind: 'Pod', classes: 'kind-Pod finding-error' });
    const warning = labelRank({ group: 'nodes', kind: 'Pod', classes: 'kind-Pod problem finding-warning' });
    const ingress = labelRank({ group: 'nodes', kind: 'Ingress', classes: 'kind-Ingress' });
    const service = labelRank({ group: 'nodes', kind: 'Service', classes: 'kind-Service' });
    const pod = labelRank({ group: 'nodes', kind: 'Pod', classes: 'kind-Pod' });
    const edge = labelRank({ group: 'edges', classes: 'type-selects' });
    const dropped = labelRank({ group: 'edges', classes: 'type-observed verdict-dropped' });
    expect(error).toBeGreaterThan(warning);
    expect(warning).toBeGreaterThan(ingress);
    expect(ingress).toBeGreaterThan(service);
    expect(service).toBeGreaterThan(pod);
    expect(pod).toBeGreaterThan(edge);
    expect(dropped).toBeGreaterThan(ingress);
    expect(labelRank({ group: 'nodes', kind: 'Pod', classes: 'kind-Pod match' })).toBeGreaterThan(error);
    expect(labelRank({ group: 'nodes', kind: 'Pod', classes: 'kind-Pod walk-lit' })).toBeGreaterThan(error);
    expect(labelRank({ group: 'nodes', kind: 'Ingress', classes: 'kind-Ingress walk-dimmed' })).toBeLessThan(edge);
  });
});
