import { generateSecret, generateURI, verify } from 'otplib';
import type { Keyring } from '../../infra/security/keyring';
import { decryptSecret, encryptSecret } from '../../infra/security/secrets-at-rest';

/**
 * The optional second factor: RFC 6238 TOTP (30-second steps, 6 digits, SHA-1: what authenticator apps expect) by
 * otplib. Secrets are stored encrypted with the secrets-at-rest helpers, bound to their user, so a secret copied to
 * another user's row does not open. One step of clock drift is accepted either way; a code is accepted once.
 */
const ISSUER = 'PayStar';
const TOLERANCE_SECONDS = 30;

const context = (userId: string) => `users.totp_secret.${userId}`;

export function newTotpSecret(): string {
  return generateSecret();
}

export function sealTotpSecret(keyring: Keyring, userId: string, secret: string): string {
  return encryptSecret(keyring, secret, context(userId));
}

export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer: ISSUER, label: email, secret });
}

/**
 * The epoch (start of its time step) a code is valid for, or null. `lastEpoch` is the step of the last code the
 * user gave: that one and earlier ones are refused, so an overheard code cannot be replayed.
 */
export async function checkTotp(
  keyring: Keyring,
  user: { id: string; totpSecret: string },
  code: string,
  lastEpoch: number | null,
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const secret = decryptSecret(keyring, user.totpSecret, context(user.id));
  const result = await verify({ secret, token: code, epochTolerance: TOLERANCE_SECONDS });
  if (!result.valid) return null;
  // The start of the matched 30-second step: TOTP results carry it (the union type with HOTP results does not say so).
  const epoch = 'epoch' in result && typeof result.epoch === 'number' ? result.epoch : null;
  if (epoch === null) return null;
  return lastEpoch !== null && epoch <= lastEpoch ? null : epoch;
}
