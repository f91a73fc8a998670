const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration such as `90s`, `15m`, `2h`, `7d` or `1h30m`, in milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return undefined;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNITS[unit], 0);
}

/**
 * A moment: an RFC 3339 timestamp (`2026-11-23T02:13:00Z`), `now`, or a time relative to now
 * (`-15m`, `-2h30m`). Milliseconds since the epoch; undefined when it is none of these.
 */
export function parseMoment(text: string, now: number): number | undefined {
  const trimmed = text.trim();
  if (trimmed === 'now') return now;
  if (trimmed.startsWith('-')) {
    const ago = parseDuration(trimmed.slice(1));
    return ago === undefined ? undefined : now - ago;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(trimmed)) return undefined;
  const t = Date.parse(trimmed);
  return Number.isNaN(t) ? undefined : t;
}
