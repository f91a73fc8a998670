import { describe, expect, it } from 'vitest';
import { shortPodNames } from './toElements';

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
