import { describe, expect, it } from 'vitest';
import { matchesLabelSelector, matchesServiceSelector, parseLabelQuery } from './selectors';

describe('label selectors', () => {
  const labels = { app: 'cart', tier: 'backend' };

  it('ANDs matchLabels and matchExpressions', () => {
    expect(matchesLabelSelector(labels, { matchLabels: { app: 'cart' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] })).toBe(true);
    expect(matchesLabelSelector(labels, { matchLabels: { app: 'cart' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['backend'] }] })).toBe(false);
  });

  it('treats an empty LabelSelector as matching everything', () => {
    expect(matchesLabelSelector(undefined, {})).toBe(true);
  });

  it('applies Exists and DoesNotExist to keys, and NotIn to a missing key as a match', () => {
    expect(matchesLabelSelector(labels, { matchExpressions: [{ key: 'app', operator: 'Exists' }] })).toBe(true);
    expect(matchesLabelSelector(labels, { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] })).toBe(true);
    expect(matchesLabelSelector(labels, { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] })).toBe(true);
    expect(matchesLabelSelector(labels, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] })).toBe(false);
  });

  it('treats an empty Service selector as selecting nothing', () => {
    expect(matchesServiceSelector(labels, {})).toBe(false);
    expect(matchesServiceSelector(labels, undefined)).toBe(false);
    expect(matchesServiceSelector(labels, { app: 'cart' })).toBe(true);
    expect(matchesServiceSelector(labels, { app: 'carts' })).toBe(false);
  });

  it('parses label search terms', () => {
    expect(parseLabelQuery('app=cart')).toEqual({ matchLabels: { app: 'cart' } });
    expect(parseLabelQuery('app != cart')).toEqual({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['cart'] }] });
    expect(parseLabelQuery('cart')).toBeUndefined();
  });
});
