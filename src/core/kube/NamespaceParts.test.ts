import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube';
import { idOf } from '../../shared/kube';
import { namespace, node, pod, service } from '../testing/manifests';
import { CLUSTER_PART, fingerprint, NamespaceParts, surelyDistinct } from './NamespaceParts';

/** What a NamespaceParts holds, as plain data: its parts and their objects by id, in order, and the counts. */
function contents(parts: NamespaceParts) {
  return {
    parts: [...parts.byPart].map(([name, part]) => [name, [...part.entries()]]),
    objects: [...parts.objects.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    kinds: Object.fromEntries(parts.kindCounts),
  };
}

const cluster = (): KubeObject[] => [
  namespace('shop'),
  node('node-a'),
  service('shop', 'cart', { selector: { app: 'cart' }, ports: [{ port: 80 }] }),
  pod('shop', 'cart-1', { labels: { app: 'cart' } }),
  pod('blog', 'web-1'),
  pod('shop', 'cart-2', { labels: { app: 'cart' } }),
];

describe('NamespaceParts.load', () => {
  it('holds what applying the changes of a first load holds', () => {
    const objects = cluster();
    const loaded = new NamespaceParts();
    const applied = new NamespaceParts();
    expect([...loaded.load({ objects })!]).toEqual([CLUSTER_PART, 'shop', 'blog']);
    expect([...applied.apply(applied.changesTo({ objects }), true)]).toEqual([CLUSTER_PART, 'shop', 'blog']);
    expect(contents(loaded)).toEqual(contents(applied));
  });

  it('keeps the later of two objects with one id, counted once, as changes would', () => {
    const first = pod('shop', 'cart-1', { labels: { app: 'cart' } });
    const second = pod('shop', 'cart-1', { labels: { app: 'cart', v: '2' } });
    const objects = [...cluster(), first, second];
    const loaded = new NamespaceParts();
    const applied = new NamespaceParts();
    loaded.load({ objects });
    applied.apply(applied.changesTo({ objects }), true);
    expect(contents(loaded)).toEqual(contents(applied));
    expect(loaded.get(idOf(second), 'shop')).toBe(second);
    expect(loaded.kindCounts.get('Pod')).toBe(3);
  });

  it('hands each object to a visitor with its part', () => {
    const seen: string[] = [];
    new NamespaceParts().load({ objects: cluster() }, (object, part) => seen.push(`${part}:${object.metadata.name}`));
    expect(seen).toEqual([':shop', ':node-a', 'shop:cart', 'shop:cart-1', 'blog:web-1', 'shop:cart-2']);
  });

  it('finds objects by id in a part loaded as a list, and takes changes to it', () => {
    const objects = cluster();
    const parts = new NamespaceParts();
    parts.load({ objects });
    const shop = parts.partObjects('shop')!;
    expect([...shop.values()].map(idOf)).toEqual(['Service/shop/cart', 'Pod/shop/cart-1', 'Pod/shop/cart-2']);
    expect(shop.size).toBe(3);
    expect(parts.get('Pod/shop/cart-2', 'shop')).toBe(objects[5]);
    expect(parts.get('Pod/shop/cart-2', undefined)).toBeUndefined();
    const gone = objects[3];
    expect([...parts.apply([{ type: 'deleted', key: idOf(gone), object: gone }])]).toEqual(['shop']);
    expect([...shop.keys()]).toEqual(['Service/shop/cart', 'Pod/shop/cart-2']);
    expect(parts.kindCounts.get('Pod')).toBe(2);
    expect(parts.objects.has(idOf(gone))).toBe(false);
  });

  it('is only for a first load: with objects held, changes are the way', () => {
    const parts = new NamespaceParts();
    parts.load({ objects: cluster() });
    expect(parts.load({ objects: cluster() })).toBeUndefined();
    expect(parts.changesTo({ objects: cluster() }).filter((c) => c.type === 'modified')).toHaveLength(cluster().length);
  });
});

describe('surelyDistinct', () => {
  it('says whether strings are all different by their fingerprints', () => {
    const prints = (texts: string[]) => texts.map((t) => fingerprint(t));
    expect(surelyDistinct(prints([]))).toBe(true);
    expect(surelyDistinct(prints(['10.0.0.1', '10.0.0.2', '10.0.1.1']))).toBe(true);
    expect(surelyDistinct(prints(['10.0.0.1', '10.0.0.2', '10.0.0.1']))).toBe(false);
    const many = Array.from({ length: 5000 }, (_, i) => `pod-${i}`);
    expect(surelyDistinct(prints(many))).toBe(true);
    expect(surelyDistinct(prints([...many, 'pod-4999']))).toBe(false);
  });
});
