import ipaddr from 'ipaddr.js';

/**
 * IP addresses and CIDRs as inclusive integer ranges of one family. ipaddr.js parses (it knows
 * every IPv6 spelling); the range arithmetic for ipBlock `except` and for splitting the address
 * space into ranges of equal connectivity is done here on bigints.
 */
export interface IpRange {
  family: 4 | 6;
  lo: bigint;
  hi: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

function toBigInt(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function fromBigInt(value: bigint, family: 4 | 6): string {
  const bytes: number[] = [];
  for (let i = 0; i < BITS[family] / 8; i++) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** Four decimal parts, leading zeros allowed and read as decimal, as the API server's sloppy parser reads them. */
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** One address, or undefined when it is not an IPv4 dotted quad or an IPv6 address. */
export function parseIp(text: string): { family: 4 | 6; value: bigint } | undefined {
  const quad = DOTTED_QUAD.exec(text);
  if (quad) {
    const bytes = quad.slice(1).map(Number);
    return bytes.every((b) => b <= 255) ? { family: 4, value: toBigInt(bytes) } : undefined;
  }
  if (ipaddr.IPv6.isValid(text)) return { family: 6, value: toBigInt(ipaddr.IPv6.parse(text).toByteArray()) };
  return undefined;
}

/**
 * A CIDR as the API server reads it: host bits may be set (`10.0.0.1/24` means 10.0.0.0/24).
 * Returns a reason instead when it is not a CIDR at all.
 */
export function parseCidr(text: string): IpRange | { error: string } {
  const slash = text.indexOf('/');
  if (slash < 0) return { error: `"${text}" is not a CIDR (no /prefix length)` };
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address) return { error: `"${text}" is not a CIDR ("${text.slice(0, slash)}" is not an IP address)` };
  const bits = BITS[address.family];
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix >= 0 && prefix <= bits)) return { error: `"${text}" is not a CIDR (the prefix length must be 0 to ${bits})` };
  const hostBits = BigInt(bits - prefix);
  const lo = (address.value >> hostBits) << hostBits;
  return { family: address.family, lo, hi: lo + (1n << hostBits) - 1n };
}

export const containsIp = (range: IpRange, ip: { family: 4 | 6; value: bigint }) => range.family === ip.family && ip.value >= range.lo && ip.value <= range.hi;

export const rangeWithin = (inner: IpRange, outer: IpRange) => inner.family === outer.family && inner.lo >= outer.lo && inner.hi <= outer.hi;

/** The whole address space of a family. */
export const allAddresses = (family: 4 | 6): IpRange => ({ family, lo: 0n, hi: (1n << BigInt(BITS[family])) - 1n });

/** `a.b.c.d-e.f.g.h`, as the connectivity list writes an external range. */
export const formatRange = (range: IpRange) => `${fromBigInt(range.lo, range.family)}-${fromBigInt(range.hi, range.family)}`;

export const formatIp = (ip: { family: 4 | 6; value: bigint }) => fromBigInt(ip.value, ip.family);

/**
 * Splits a family's address space at every boundary of `ranges`, so that each piece lies wholly
 * inside or wholly outside each of them: pieces that every policy treats alike.
 */
export function splitAddressSpace(family: 4 | 6, ranges: readonly IpRange[]): IpRange[] {
  const space = allAddresses(family);
  const cuts = new Set<bigint>([space.lo]);
  for (const r of ranges) {
    if (r.family !== family) continue;
    cuts.add(r.lo);
    if (r.hi < space.hi) cuts.add(r.hi + 1n);
  }
  const starts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return starts.map((lo, i) => ({ family, lo, hi: i + 1 < starts.length ? starts[i + 1] - 1n : space.hi }));
}
