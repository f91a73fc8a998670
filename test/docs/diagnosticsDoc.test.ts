import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/core/diagnostics/rules';
import { withRulesSection } from '../../src/core/diagnostics/rulesMarkdown';

describe('docs/diagnostics.md', () => {
  it('lists every rule as the rules describe themselves (run `npm run docs:diagnostics` after changing a rule)', () => {
    const document = readFileSync(new URL('../../docs/diagnostics.md', import.meta.url), 'utf8');
    expect(document).toBe(withRulesSection(document, RULES));
  });

  it('documents every rule fully', () => {
    for (const rule of RULES) {
      expect(rule.doc.condition.length, rule.id).toBeGreaterThan(20);
      expect(rule.doc.example.length, rule.id).toBeGreaterThan(20);
      expect(rule.hint.length, rule.id).toBeGreaterThan(10);
    }
  });
});
