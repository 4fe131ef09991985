import { createHash, randomBytes } from 'node:crypto';
import type { Direction, KeyMode } from '../../domain/order';

/**
 * Merchant keys are 32 random bytes behind a readable prefix (`ps_sandbox_deposit_…`). They are stored only as a
 * SHA-256 digest: with that much entropy a slow password hash adds nothing, and lookups stay one index probe.
 */
export function generateApiKey(scope: Direction, mode: KeyMode): string {
  return `ps_${mode}_${scope}_${randomBytes(32).toString('base64url')}`;
}

/** An operator's admin key (`ps_admin_…`), stored as a digest like merchant keys. */
export function generateOperatorKey(): string {
  return `ps_admin_${randomBytes(32).toString('base64url')}`;
}

/** The digest stored in `api_keys.key_hash`. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The part of a key that may be shown in lists and logs. */
export function keyPrefix(key: string): string {
  return `${key.slice(0, Math.min(key.length - 4, key.lastIndexOf('_') + 5))}…`;
}

/** A random secret for local credentials (admin key, database password). */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
