import { describe, expect, it } from 'vitest';
import { shortPodNames, trafficBend } from './toElements';

describe('shortPodNames', () => {
  it('drops generated suffixes from pod labels, numbering each workload’s pods, and leaves StatefulSet pods as they are', () => {
    const pod = (id: string, workload: string) => ({ id, kind: 'Pod' as const, name: id.split('/')[2], namespace: 'shop', workload, facts: {}, problems: [] });
    const names = shortPodNames([
      pod('Pod/shop/checkout-7f9c8d6b5-x2kq', 'Deployment/shop/checkout'),
      pod('Pod/shop/checkout-7f9c8d6b5-a1b2', 'Deployment/shop/checkout'),
      pod('Pod/shop/db-0', 'StatefulSet/shop/db'),
      pod('Pod/shop/node-exporter-4dfdw', 'DaemonSet/shop/node-exporter'),
    ]);
    expect(Object.fromEntries(names)).toEqual({ 'Pod/shop/checkout-7f9c8d6b5-a1b2': 'checkout ·1', 'Pod/shop/checkout-7f9c8d6b5-x2kq': 'checkout ·2', 'Pod/shop/node-exporter-4dfdw': 'node-exporter ·1' });
  });
});

describe('trafficBend', () => {
  it('bows traffic within a column out to its right, further the longer it runs, short of the next column', () => {
    const down = trafficBend({ x: 0, y: 0 }, { x: 0, y: 400 });
    const up = trafficBend({ x: 0, y: 400 }, { x: 0, y: 0 });
    // Cytoscape measures to the right of the direction of travel, so both land on +x.
    expect(down).toBeLessThan(0);
    expect(up).toBeCloseTo(-down * 1.25);
    expect(Math.abs(trafficBend({ x: 0, y: 0 }, { x: 0, y: 100 }))).toBeLessThan(Math.abs(down));
    expect(Math.abs(trafficBend({ x: 0, y: 0 }, { x: 0, y: 100_000 }))).toBe(180);
  });

  it('keeps a gentle curve across columns, and where a position is not known yet', () => {
    expect(trafficBend({ x: 0, y: 0 }, { x: 240, y: 400 })).toBe(40);
    expect(trafficBend(undefined, { x: 0, y: 0 })).toBe(40);
  });
});
