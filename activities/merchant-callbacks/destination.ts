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

/** Every address a host name resolves to (the system resolver, as fetch would use it). */
export type ResolveHost = (host: string) => Promise<string[]>;

export const systemResolver: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Where an attempt may connect: the addresses the URL's host resolved to, checked, for this attempt only. */
export type Destination = { ok: true; addresses: string[] } | ({ ok: false } & TransportFailure);

/**
 * Resolves the callback host **once**; the request connects only to those addresses (the transport pins them: no
 * second lookup, so a DNS answer that changes after the check, a rebinding, is never used). With the SSRF guard
 * on (`allowPrivate` false), a host any of whose addresses is private is refused: no request is made.
 */
export async function resolveDestination(
  url: URL,
  allowPrivate: boolean,
  resolve: ResolveHost = systemResolver,
): Promise<Destination> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await resolve(host);
    } catch (err) {
      return { ok: false, reason: 'connection', error: describeError(err) };
    }
  }
  if (addresses.length === 0) return { ok: false, reason: 'connection', error: `${host} has no address` };
  const refused = allowPrivate ? undefined : addresses.find(isPrivateAddress);
  if (refused) {
    return { ok: false, reason: 'response', error: `callback host resolves to a private address (${refused})` };
  }
  return { ok: true, addresses };
}
