import { describe, expect, it } from 'vitest';
import { describeTotals, formatCount } from './view';

describe('formatCount', () => {
  it('prints counts as the en-US formatter does, with or without its help', () => {
    const formatter = new Intl.NumberFormat('en-US');
    for (const n of [0, -0, 1, 7, 42, 999, 1000, 1001, 30_000, 150_000, 1_234_567, -1, -999, -1000, 0.5, 999.5, 1e21]) expect(formatCount(n)).toBe(formatter.format(n));
  });

  it('names every pod, workload and namespace a picture stands for', () => {
    expect(describeTotals({ pods: 30_000, workloads: 1, namespaces: 300, services: 0, nodes: 0, objects: 0, edges: 0 })).toBe('30,000 pods in 1 workload in 300 namespaces');
  });
});
