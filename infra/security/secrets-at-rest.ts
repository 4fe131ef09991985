import { type Keyring, open, seal } from './keyring';

/**
 * Credentials the engine must use in clear (gateway API keys and callback secrets, merchants' callback signing
 * secrets) are stored encrypted: `enc:v1:<key id>:<base64 of AES-256-GCM ciphertext>` under the keyring's
 * `secrets-at-rest` sub-key, the context (which column or setting) as additional data, so a value moved to another
 * place does not open. A value without the prefix is one stored before encryption: it reads as it is, and
 * `npm run rewrap-keys` encrypts it in place.
 */

const PREFIX = 'enc:v1:';

/** Gateway settings whose names look like credentials: stored encrypted, never answered by the admin API. */
export const SECRET_SETTING = /secret|password|token|key|credential/i;

export const isEncryptedSecret = (stored: string): boolean => stored.startsWith(PREFIX);

/** The master key id a stored secret is encrypted under; null for one stored in clear. */
export function secretKeyId(stored: string): string | null {
  if (!isEncryptedSecret(stored)) return null;
  return stored.slice(PREFIX.length, stored.indexOf(':', PREFIX.length));
}

export function encryptSecret(keyring: Keyring, plaintext: string, context: string): string {
  const keyId = keyring.activeId;
  const sealed = seal(keyring.subKey('secrets-at-rest', keyId), Buffer.from(plaintext, 'utf8'), Buffer.from(context));
  return `${PREFIX}${keyId}:${sealed.toString('base64')}`;
}

/** The secret in clear; a value stored before encryption is returned as it is. Throws for a wrong key or context. */
export function decryptSecret(keyring: Keyring, stored: string, context: string): string {
  const keyId = secretKeyId(stored);
  if (keyId === null) return stored;
  const body = Buffer.from(stored.slice(PREFIX.length + keyId.length + 1), 'base64');
  return open(keyring.subKey('secrets-at-rest', keyId), body, Buffer.from(context)).toString('utf8');
}

/** Whether a stored secret must be (re-)encrypted: in clear, or under a key of the ring other than the active one. */
export function needsReencryption(keyring: Keyring, stored: string): boolean {
  const keyId = secretKeyId(stored);
  return keyId === null || (keyId !== keyring.activeId && keyring.has(keyId));
}

const settingContext = (name: string) => `gateways.settings.${name}`;
/** The context of a merchant's callback secret. */
export const CALLBACK_SECRET_CONTEXT = 'merchants.callback_secret';

/** Gateway settings as stored: credential-like string settings encrypted, everything else as given. */
export function encryptSecretSettings(keyring: Keyring, settings: Record<string, unknown>): Record<string, unknown> {
  return mapSecretSettings(settings, (name, value) =>
    isEncryptedSecret(value) ? value : encryptSecret(keyring, value, settingContext(name)),
  );
}

/** Gateway settings as connectors need them: credentials decrypted. */
export function decryptSecretSettings(keyring: Keyring, settings: Record<string, unknown>): Record<string, unknown> {
  return mapSecretSettings(settings, (name, value) => decryptSecret(keyring, value, settingContext(name)));
}

/** Settings with their credentials moved to the active key (and those in clear encrypted); null if none needed it. */
export function reencryptSecretSettings(
  keyring: Keyring,
  settings: Record<string, unknown>,
): Record<string, unknown> | null {
  let changed = false;
  const next = mapSecretSettings(settings, (name, value) => {
    if (!needsReencryption(keyring, value)) return value;
    changed = true;
    return encryptSecret(keyring, decryptSecret(keyring, value, settingContext(name)), settingContext(name));
  });
  return changed ? next : null;
}

function mapSecretSettings(
  settings: Record<string, unknown>,
  map: (name: string, value: string) => string,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(settings).map(([k, v]) => [k, SECRET_SETTING.test(k) && typeof v === 'string' ? map(k, v) : v]),
  );
}
