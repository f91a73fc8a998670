import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/diagnostics';
import { failsAt, findingsSarif, findingsText, historyText } from './formatFindings';
import { RULES } from './rules';

const finding = (severity: Finding['severity'], rule = 'svc.selector.no-pods'): Finding => ({
  rule,
  key: `${rule}|Service/shop/cart`,
  severity,
  layer: 'service',
  message: 'Service shop/cart selects app=cart, which no pod in shop carries.',
  evidence: [{ field: 'Service shop/cart spec.selector', value: 'app=cart' }],
  hint: 'Fix the selector.',
  objects: ['Service/shop/cart', 'Deployment/shop/cart'],
});

describe('formatFindings', () => {
  it('fails at or above the threshold only', () => {
    expect(failsAt([finding('warning')], 'error')).toBe(false);
    expect(failsAt([finding('warning')], 'warning')).toBe(true);
    expect(failsAt([finding('error')], 'warning')).toBe(true);
    expect(failsAt([finding('info')], 'info')).toBe(true);
    expect(failsAt([finding('error')], 'never')).toBe(false);
  });

  it('prints each finding with its evidence and fix', () => {
    const text = findingsText([finding('error'), finding('info', 'po.not-isolated')]);
    expect(text).toContain('2 findings: 1 error, 0 warnings, 1 info');
    expect(text).toContain('ERROR svc.selector.no-pods: Service shop/cart selects app=cart');
    expect(text).toContain('    Service shop/cart spec.selector: app=cart');
    expect(text).toContain('    fix: Fix the selector.');
  });

  it('points SARIF results at the manifest file and line of the first object written in one', () => {
    const sarif = findingsSarif([finding('error')], RULES, new Map([['Deployment/shop/cart', { file: 'apps\\cart.yaml', line: 12 }]])) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const [result] = sarif.runs[0].results;
    expect(result).toMatchObject({ ruleId: 'svc.selector.no-pods', level: 'error' });
    expect(sarif.runs[0].tool.driver.rules[result.ruleIndex].id).toBe('svc.selector.no-pods');
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'apps/cart.yaml' }, region: { startLine: 12 } });
  });

  it('lists what appeared and cleared in a range, oldest first, and says so when nothing did', () => {
    const t = Date.parse('2026-11-23T02:13:05Z');
    const text = historyText([{ finding: finding('error'), firstSeen: t, cleared: t + 60_000, cause: "Deployment shop/cart's template labels changed from app=cart to app=carts" }], t - 1, t + 120_000);
    expect(text.split('\n')[0]).toBe("2026-11-23T02:13:05.000Z appeared error svc.selector.no-pods: Service shop/cart selects app=cart, which no pod in shop carries. (when Deployment shop/cart's template labels changed from app=cart to app=carts)");
    expect(text.split('\n')[1]).toContain('02:14:05.000Z cleared');
    expect(historyText([], 0, 1)).toContain('No findings appeared or cleared');
  });
});
