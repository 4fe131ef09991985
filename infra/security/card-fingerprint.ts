import { createHmac } from 'node:crypto';
import { normalizeCardNumber } from '../../domain/requisite-normalization';

/**
 * A card number never leaves the API in clear (workflow histories are stored as they are). What travels and what
 * the black list stores is a keyed fingerprint: without the key, the 10^9-or-so numbers behind a BIN and a last-4
 * cannot be brute-forced from a plain hash. Spaces and dashes do not change the fingerprint.
 */
export function cardFingerprint(cardNumber: string, key: string | Buffer): string {
  return createHmac('sha256', key).update(normalizeCardNumber(cardNumber), 'utf8').digest('hex');
}

/** Digits a mask always hides: a short card must not show almost all of itself. */
const HIDDEN_AT_LEAST = 6;

/**
 * At most the first 6 and the last 4 digits (the PCI DSS display limit), and never fewer than 6 hidden: a 16-digit
 * card shows 411111******1111, a 12-digit one 12******9012.
 */
export function maskCard(cardNumber: string): string {
  const digits = normalizeCardNumber(cardNumber);
  const leading = Math.max(0, Math.min(6, digits.length - 4 - HIDDEN_AT_LEAST));
  return `${digits.slice(0, leading)}${'*'.repeat(digits.length - leading - 4)}${digits.slice(-4)}`;
}

/**
 * The name on a card as it may be kept and shown: each word's first letter, then `***` (the length hidden too).
 * 'VAULT PROBE' → 'V*** P***'; words are joined by one space. Idempotent, so masking a mask changes nothing (the migration relies on it).
 * The vault keeps the whole name for the gateway.
 */
export function maskCardHolder(name: string): string {
  return name
    .trim()
    .split(/\s+/u)
    .filter(Boolean)
    .map((word) => `${[...word][0]}***`)
    .join(' ');
}
