import { describe, expect, it } from 'vitest';
import { parseDuration, parseMoment } from './timeExpressions';

describe('time expressions', () => {
  const now = Date.parse('2026-11-23T03:00:00Z');

  it('reads durations', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('7 days')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });

  it('reads RFC 3339 timestamps, now, and times relative to now', () => {
    expect(parseMoment('2026-11-23T02:13:00Z', now)).toBe(Date.parse('2026-11-23T02:13:00Z'));
    expect(parseMoment('2026-11-23T03:13:00+01:00', now)).toBe(Date.parse('2026-11-23T02:13:00Z'));
    expect(parseMoment('-15m', now)).toBe(now - 15 * 60_000);
    expect(parseMoment('now', now)).toBe(now);
    expect(parseMoment('yesterday', now)).toBeUndefined();
    expect(parseMoment('2026-11-23', now)).toBeUndefined();
  });
});
