import { describe, expect, it } from 'vitest';
import { stripObject } from './strip';

describe('stripObject', () => {
  it("keeps a selector's values that are text or read as numbers, and drops what is neither without throwing", () => {
    // An object whose toString is not a function: String() throws on it.
    const odd = { toString: [] };
    const job = stripObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'shop', labels: { version: 1, odd } },
      spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['cart', 2, odd] }] } },
    });
    expect(job).toMatchObject({ metadata: { labels: { version: '1' } }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['cart', '2'] }] } } });
    expect(job?.metadata.labels).not.toHaveProperty('odd');
  });
});
