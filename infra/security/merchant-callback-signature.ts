/**
 * The signature of merchant callbacks, and the reference of what a merchant verifies on its side (see
 * docs/merchant-callbacks.md). Scheme: `X-PayStar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`, the HMAC
 * keyed with the merchant's callback secret (its UTF-8 bytes, as shown to the merchant) over `<t>.<raw body>`.
 * Signing the timestamp with the body is what lets a receiver refuse a replayed callback.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature. */
export const MERCHANT_CALLBACK_SIGNATURE_HEADER = 'X-PayStar-Signature';

/** How far a callback's timestamp may be from the receiver's clock by default. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^\d{1,12}$/;

/** Hex HMAC-SHA256 of `<timestampSeconds>.<body>` keyed with the secret. */
export function signMerchantCallback(secret: string, timestampSeconds: number, body: string | Uint8Array): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError('the timestamp must be whole non-negative Unix seconds');
  }
  if (secret.length === 0) throw new RangeError('the callback secret is empty');
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
}

/** The value of the X-PayStar-Signature header: `t=<timestamp>,v1=<hex>`. */
export function merchantCallbackSignatureHeader(
  secret: string,
  timestampSeconds: number,
  body: string | Uint8Array,
): string {
  return `t=${timestampSeconds},v1=${signMerchantCallback(secret, timestampSeconds, body)}`;
}

/** Why a signature was refused; never which byte differed. */
export type SignatureRejection = 'malformed' | 'stale' | 'mismatch';

/** The verdict of `verifyMerchantCallback`. */
export type SignatureVerdict = { valid: true; timestamp: number } | { valid: false; reason: SignatureRejection };

/** Options of `verifyMerchantCallback`; `now` is in Unix seconds (defaults to the system clock). */
export interface VerifyOptions {
  toleranceSeconds?: number;
  now?: number;
}

/**
 * Checks a callback as a merchant should: the header parses, the timestamp is within the tolerance of `now` (either
 * way, so a replay of an old callback fails), and one of the `v1` signatures matches the raw body byte for byte.
 * Several `v1` entries are accepted so that a secret can be rotated without a window of failed callbacks.
 */
export function verifyMerchantCallback(
  secret: string,
  header: string | null | undefined,
  body: string | Uint8Array,
  { toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS, now = Math.floor(Date.now() / 1000) }: VerifyOptions = {},
): SignatureVerdict {
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { valid: false, reason: 'malformed' };
  if (Math.abs(now - parsed.timestamp) > toleranceSeconds) return { valid: false, reason: 'stale' };
  const expected = Buffer.from(signMerchantCallback(secret, parsed.timestamp, body), 'hex');
  // Compare against every candidate without returning early, so the time taken says nothing about which matched.
  let matched = false;
  for (const candidate of parsed.signatures) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  return matched ? { valid: true, timestamp: parsed.timestamp } : { valid: false, reason: 'mismatch' };
}

/** The timestamp and `v1` signatures of a header, or null when it is not of the form `t=…,v1=…[,v1=…]`. */
export function parseSignatureHeader(
  header: string | null | undefined,
): { timestamp: number; signatures: string[] } | null {
  if (typeof header !== 'string' || header.length > 1024) return null;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !UNIX_SECONDS.test(value)) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!HEX_SHA256.test(value)) return null;
      signatures.push(value);
    }
    // Other keys (a future v2) are ignored so that adding a scheme does not break existing receivers.
  }
  if (timestamp === undefined || signatures.length === 0) return null;
  return { timestamp, signatures };
}
