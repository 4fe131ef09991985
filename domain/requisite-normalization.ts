/**
 * One spelling per requisite, so that a black-list entry matches however the payer or the merchant typed it. The
 * API normalises an order's requisites before the workflow starts, operations normalise black-list values on
 * entry, and the pre-check normalises again defensively. Pure TypeScript (no Node built-ins): workflows import it.
 */
import type { RequisiteType } from './requisites';

/** A requisite that cannot be brought to its canonical form; `requisite` says which kind it was. */
export class RequisiteFormatError extends Error {
  constructor(
    readonly requisite: RequisiteType,
    message: string,
  ) {
    super(message);
    this.name = 'RequisiteFormatError';
  }
}

/** Trimmed and lower-cased: mailbox providers treat addresses case-insensitively, whatever RFC 5321 allows. */
export function normalizeEmail(input: string): string {
  const email = input.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new RequisiteFormatError('email', 'email must look like local@domain');
  return email;
}

/**
 * IPv4 in dotted decimal without leading zeros, IPv6 in RFC 5952 form. An IPv4-mapped IPv6 address
 * (`::ffff:a.b.c.d`, what dual-stack sockets report for IPv4 clients) is the IPv4 host itself, so it becomes `a.b.c.d`.
 */
export function normalizeIp(input: string): string {
  const text = input.trim().toLowerCase();
  if (text.includes(':')) return formatIpv6(parseIpv6(text));
  const v4 = parseIpv4(text);
  if (!v4) throw new RequisiteFormatError('ip', 'ip must be an IPv4 or IPv6 address');
  return v4.join('.');
}

/**
 * E.164: `+` and 7–15 digits, the first not 0. Spaces, dashes, dots and parentheses are dropped, and so is the
 * `(0)` trunk prefix of spellings like `+44 (0)20 …`. A number without `+` is refused: whether `0201234567` or
 * `00441234…` carries a trunk or an international prefix depends on the country it was dialled from.
 */
export function normalizePhone(input: string): string {
  const compact = input
    .trim()
    .replace(/\(\s*0\s*\)/g, '')
    .replace(/[\s\-.()]/g, '');
  if (!compact.startsWith('+')) {
    throw new RequisiteFormatError('phone', 'phone must be in international form starting with + (E.164)');
  }
  if (!/^\+[1-9]\d{6,14}$/.test(compact)) throw new RequisiteFormatError('phone', 'phone must be + and 7–15 digits');
  return compact;
}

/** Trimmed; identifiers are case-sensitive as issued. */
export function normalizePayeerIdentifier(input: string): string {
  const id = input.trim();
  if (id === '') throw new RequisiteFormatError('payeerIdentifier', 'payeerIdentifier must not be empty');
  return id;
}

/** The card number's digits (spaces and dashes dropped), 12–19 of them. The Luhn check is the issuer's business. */
export function normalizeCardNumber(input: string): string {
  const digits = input.trim().replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) throw new RequisiteFormatError('card', 'card number must be 12–19 digits');
  return digits;
}

/** The normaliser of one requisite type. For `card` it returns the digits, which callers then fingerprint. */
export function normalizeRequisite(type: RequisiteType, value: string): string {
  switch (type) {
    case 'card':
      return normalizeCardNumber(value);
    case 'email':
      return normalizeEmail(value);
    case 'ip':
      return normalizeIp(value);
    case 'phone':
      return normalizePhone(value);
    case 'payeerIdentifier':
      return normalizePayeerIdentifier(value);
  }
}

function parseIpv4(text: string): number[] | null {
  // Leading zeros are read as decimal (as logs mean them), not as the octal of inet_aton.
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return null;
  const octets = text.split('.').map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

function parseIpv6(text: string): number[] {
  const invalid = () => new RequisiteFormatError('ip', `${text} is not an IPv6 address`);
  let body = text;
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    if (!v4) throw invalid();
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    body = `${body.slice(0, lastColon + 1)}${hex(v4[0]!, v4[1]!)}:${hex(v4[2]!, v4[3]!)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) throw invalid();
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0]!);
  const rest = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const texts = [...head, ...rest];
  if (!texts.every((g) => /^[0-9a-f]{1,4}$/.test(g))) throw invalid();
  const values = texts.map((g) => parseInt(g, 16));
  if (halves.length === 1) {
    if (values.length !== 8) throw invalid();
    return values;
  }
  if (values.length > 7) throw invalid();
  return [
    ...values.slice(0, head.length),
    ...new Array<number>(8 - values.length).fill(0),
    ...values.slice(head.length),
  ];
}

function formatIpv6(groups: number[]): string {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
