import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The engine's master keys and the AES-256-GCM primitives built on them. One keyring serves every purpose (the
 * card vault's data keys, secrets at rest, Temporal payloads), each under its own HKDF-derived sub-key, so a key
 * never encrypts two kinds of data. The first key of the ring encrypts; every key of the ring decrypts, which is
 * what makes rotation possible without downtime: add the new key first, re-wrap, then drop the old one.
 *
 * Spelling (MASTER_KEYS): `id:base64key[,id:base64key…]`, each key exactly 32 bytes, ids unique, e.g.
 * `2026-11:q83v…=,2026-05:Vt1x…=`.
 */

/** Why a sub-key is derived: each purpose has its own, so a ciphertext cannot be moved between purposes. */
export type KeyPurpose = 'data-keys' | 'temporal-payloads' | 'secrets-at-rest';

export interface MasterKey {
  id: string;
  key: Buffer;
}

/** A ciphertext names a key id the keyring does not hold (a key dropped before its data was re-wrapped). */
export class UnknownKeyError extends Error {
  override readonly name = 'UnknownKeyError';
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export class Keyring {
  private readonly byId = new Map<string, MasterKey>();
  private readonly derived = new Map<string, Buffer>();

  constructor(keys: MasterKey[]) {
    if (keys.length === 0) throw new RangeError('a keyring needs at least one key');
    for (const k of keys) {
      if (!KEY_ID.test(k.id)) throw new RangeError(`key id "${k.id}" must be 1-64 of A-Z a-z 0-9 . _ -`);
      if (k.key.length !== 32) throw new RangeError(`key ${k.id} must be 32 bytes (AES-256), not ${k.key.length}`);
      if (this.byId.has(k.id)) throw new RangeError(`key id ${k.id} appears twice`);
      this.byId.set(k.id, k);
    }
  }

  /** Parses `id:base64[,id:base64…]`; throws a RangeError naming what is wrong. */
  static parse(spec: string): Keyring {
    return new Keyring(
      spec
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map((part) => {
          const colon = part.indexOf(':');
          if (colon <= 0) throw new RangeError('each key must be written id:base64key');
          return { id: part.slice(0, colon), key: Buffer.from(part.slice(colon + 1), 'base64') };
        }),
    );
  }

  /** The id of the key new data is encrypted under. */
  get activeId(): string {
    return this.byId.keys().next().value!;
  }

  /** Every key id, the active one first. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The purpose's sub-key of a master key (HKDF-SHA256); the active key's when no id is given. */
  subKey(purpose: KeyPurpose, id: string = this.activeId): Buffer {
    const cacheKey = `${purpose}\0${id}`;
    let key = this.derived.get(cacheKey);
    if (!key) {
      const master = this.byId.get(id);
      if (!master) throw new UnknownKeyError(`no master key with id ${id} in MASTER_KEYS`);
      key = Buffer.from(hkdfSync('sha256', master.key, Buffer.alloc(0), `paystar/${purpose}`, 32));
      this.derived.set(cacheKey, key);
    }
    return key;
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM: a random 96-bit IV, then the 128-bit tag, then the ciphertext. `aad` binds it to its context. */
export function seal(key: Buffer, plaintext: Buffer, aad?: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad) cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Opens what {@link seal} produced; throws when the key, the AAD or a single byte is wrong. */
export function open(key: Buffer, sealed: Buffer, aad?: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new RangeError('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** A data key wrapped under a master key: what a record stores next to its ciphertext. */
export interface WrappedDataKey {
  keyId: string;
  wrappedKey: Buffer;
}

/** Envelope encryption: a fresh random data key, and that key wrapped under the active master key. */
export function newDataKey(keyring: Keyring): WrappedDataKey & { dataKey: Buffer } {
  const dataKey = randomBytes(32);
  const keyId = keyring.activeId;
  return { keyId, wrappedKey: seal(keyring.subKey('data-keys', keyId), dataKey, Buffer.from(keyId)), dataKey };
}

/** The data key of a record; throws UnknownKeyError when its master key is no longer in the ring. */
export function unwrapDataKey(keyring: Keyring, wrapped: WrappedDataKey): Buffer {
  return open(keyring.subKey('data-keys', wrapped.keyId), wrapped.wrappedKey, Buffer.from(wrapped.keyId));
}

/** The same data key wrapped under the active master key (the data itself is not touched). */
export function rewrapDataKey(keyring: Keyring, wrapped: WrappedDataKey): WrappedDataKey {
  const dataKey = unwrapDataKey(keyring, wrapped);
  const keyId = keyring.activeId;
  return { keyId, wrappedKey: seal(keyring.subKey('data-keys', keyId), dataKey, Buffer.from(keyId)) };
}

/**
 * The keyring `npm start`, the tests, the simulation and the bench use when MASTER_KEYS is not set. Its key is
 * derived from a public phrase, so anything encrypted under it is readable by anyone with this source: never
 * run a deployment on it (`npm run api` and `npm run worker` require MASTER_KEYS).
 */
export const DEV_MASTER_KEYS = `dev-only:${createHash('sha256')
  .update('paystar development master key - not a secret')
  .digest('base64')}`;

/** The development keyring ({@link DEV_MASTER_KEYS}). */
export function devKeyring(): Keyring {
  return Keyring.parse(DEV_MASTER_KEYS);
}
