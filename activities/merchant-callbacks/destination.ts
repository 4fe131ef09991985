import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { describeError, type TransportFailure } from './classify';

/** A callback URL the engine will POST to, or why it will not (recorded as a failed attempt, no request made). */
export type CallbackUrl = { ok: true; url: URL } | { ok: false; error: string };

/**
 * Only absolute http(s) URLs without credentials: other schemes could reach things fetch should never touch, and
 * fetch refuses credentials in a URL anyway (a merchant who needs authentication uses the signature instead).
 */
export function parseCallbackUrl(raw: string): CallbackUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, error: 'callback URL is not a valid absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: `callback URL scheme ${JSON.stringify(url.protocol)} is not http or https` };
  }
  if (url.username || url.password) return { ok: false, error: 'callback URL must not contain credentials' };
  return { ok: true, url };
}

/** The URL as the delivery log keeps it: never with credentials, never unbounded. */
export function urlForLog(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.href.slice(0, 2048);
  } catch {
    return raw.slice(0, 2048);
  }
}

// Loopback, private, link-local (cloud metadata lives at 169.254.169.254), carrier-grade NAT, unspecified,
// benchmarking, multicast and reserved ranges: nothing a merchant's public callback endpoint resolves to.
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** True when an IP address is loopback, private, link-local or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return isPrivateAddress(mapped[1]);
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The SSRF guard used when private networks are not allowed: refuses a host that is, or resolves to, a private
 * address. Known gap (the follow-up in docs/merchant-callbacks.md): fetch resolves the name again, so a DNS answer
 * that changes between the two lookups (rebinding) slips through; closing it means pinning the checked address in
 * the HTTP client's own lookup.
 */
export async function refusePrivateDestination(url: URL): Promise<TransportFailure | null> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch (err) {
      return { reason: 'connection', error: describeError(err) };
    }
  }
  const refused = addresses.find(isPrivateAddress);
  return refused ? { reason: 'response', error: `callback host resolves to a private address (${refused})` } : null;
}
