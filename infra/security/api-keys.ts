import { createHash, randomBytes } from 'node:crypto';
import type { Direction, KeyMode } from '../../domain/order';

/**
 * Keys read `<kind>_<public id>_<secret>`: the kind (`ps_sandbox_deposit`, `ps_live_payout`, `ps_admin`, …), a
 * public id of {@link PUBLIC_ID_LENGTH} characters (lower-case base32, so never `_`), and 32 random bytes in
 * base64url (43 characters, which may contain `_`). They are stored only as a SHA-256 digest: with that much entropy
 * a slow password hash adds nothing, and lookups stay one index probe.
 */
const PUBLIC_ID_LENGTH = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const KEY_SHAPE = new RegExp(
  `^(ps_(?:(?:sandbox|live)_(?:deposit|payout)|admin))_([a-z2-7]{${PUBLIC_ID_LENGTH}})_[A-Za-z0-9_-]{43}$`,
);
/** Keys made before keys had a public id: `<kind>_<43 random characters>`. */
const LEGACY_KEY_SHAPE = /^(ps_(?:(?:sandbox|live)_(?:deposit|payout)|admin))_[A-Za-z0-9_-]{43}$/;

function publicId(): string {
  return [...randomBytes(PUBLIC_ID_LENGTH)].map((b) => BASE32[b % 32]).join('');
}

const secretPart = () => randomBytes(32).toString('base64url');

/** A merchant key: `ps_<mode>_<scope>_<public id>_<secret>`. */
export function generateApiKey(scope: Direction, mode: KeyMode): string {
  return `ps_${mode}_${scope}_${publicId()}_${secretPart()}`;
}

/** An operator's admin key (`ps_admin_<public id>_<secret>`), stored as a digest like merchant keys. */
export function generateOperatorKey(): string {
  return `ps_admin_${publicId()}_${secretPart()}`;
}

/** The digest stored in `api_keys.key_hash`. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * The part of a key that may be shown in lists, logs and the audit log: its kind and public id, cut by the key's
 * structure (never by searching for a separator, which the secret part may contain), then `…`. A key of the old
 * shape shows only its kind; anything else shows nothing of itself.
 */
export function keyPrefix(key: string): string {
  const current = KEY_SHAPE.exec(key);
  if (current) return `${current[1]}_${current[2]}…`;
  const legacy = LEGACY_KEY_SHAPE.exec(key);
  return legacy ? `${legacy[1]}_…` : '…';
}

/** A random secret for local credentials (admin key, database password). */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
