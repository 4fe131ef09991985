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

/** First 6 and last 4 digits, the rest as asterisks (the PCI DSS display limit), e.g. 411111******1111. */
export function maskCard(cardNumber: string): string {
  const digits = normalizeCardNumber(cardNumber);
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}
