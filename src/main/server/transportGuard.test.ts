import * as crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransportGuard } from './transportGuard';

vi.mock('node:crypto', async (original) => {
  const actual = await original<typeof crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const TOKEN = 'test-token-0123456789';
const guard = new TransportGuard(TOKEN, new Set());
const compare = vi.mocked(crypto.timingSafeEqual);
afterEach(() => compare.mockClear());

describe('the serve token check', () => {
  it('accepts the token, compared in constant time', () => {
    expect(guard.tokenValid(TOKEN)).toBe(true);
    expect(compare).toHaveBeenCalledTimes(1);
  });

  it('refuses a wrong token of the same length, compared in constant time', () => {
    expect(guard.tokenValid('test-token-0123456788')).toBe(false);
    expect(guard.tokenValid('x'.repeat(TOKEN.length))).toBe(false);
    expect(compare).toHaveBeenCalledTimes(2);
  });

  it('refuses a token of another length, and a missing one, without comparing (timingSafeEqual would throw)', () => {
    for (const candidate of [TOKEN.slice(0, -1), `${TOKEN}0`, '', null]) expect(guard.tokenValid(candidate)).toBe(false);
    expect(compare).not.toHaveBeenCalled();
  });

  it('compares bytes, so a token of the same characters but another byte length is refused', () => {
    // 'é' is two bytes in UTF-8: same string length as the token, a longer buffer.
    expect(guard.tokenValid(`${TOKEN.slice(0, -1)}é`)).toBe(false);
    expect(compare).not.toHaveBeenCalled();
  });

  it('logs nothing, right token or wrong', () => {
    const logs = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
    try {
      for (const candidate of [TOKEN, 'test-token-0123456788', 'short', null]) guard.tokenValid(candidate);
      for (const log of logs) expect(log).not.toHaveBeenCalled();
    } finally {
      for (const log of logs) log.mockRestore();
    }
  });
});
