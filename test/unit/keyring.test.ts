import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  DEV_MASTER_KEYS,
  Keyring,
  newDataKey,
  open,
  rewrapDataKey,
  seal,
  unwrapDataKey,
} from '../../infra/security/keyring';
import { ENCRYPTED_ENCODING, EncryptionCodec, ENCRYPTION_KEY_ID } from '../../infra/temporal/payload-codec';

const keyOf = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const ringOld = Keyring.parse(`old:${keyOf(1)}`);
const ringNew = Keyring.parse(`new:${keyOf(2)},old:${keyOf(1)}`);
const ringNewOnly = Keyring.parse(`new:${keyOf(2)}`);
const text = (p: Payload) => Buffer.from(p.data ?? new Uint8Array()).toString('latin1');

describe('keyring', () => {
  test('parses id:base64 lists, the first key active; refuses short keys, bad ids and duplicates', () => {
    expect(ringNew.activeId).toBe('new');
    expect(ringNew.ids()).toEqual(['new', 'old']);
    expect(Keyring.parse(DEV_MASTER_KEYS).activeId).toBe('dev-only');
    expect(() => Keyring.parse(`k:${Buffer.alloc(16).toString('base64')}`)).toThrow(/32 bytes/);
    expect(() => Keyring.parse(`bad id:${keyOf(1)}`)).toThrow(/key id/);
    expect(() => Keyring.parse(`a:${keyOf(1)},a:${keyOf(2)}`)).toThrow(/twice/);
    expect(() => Keyring.parse(keyOf(1))).toThrow(/id:base64key/);
    expect(() => Keyring.parse('')).toThrow(/at least one key/);
  });

  test('sub-keys differ per purpose and per master key', () => {
    expect(ringNew.subKey('data-keys', 'old').equals(ringOld.subKey('data-keys'))).toBe(true);
    expect(ringNew.subKey('data-keys').equals(ringNew.subKey('temporal-payloads'))).toBe(false);
    expect(ringNew.subKey('data-keys', 'new').equals(ringNew.subKey('data-keys', 'old'))).toBe(false);
    expect(() => ringNewOnly.subKey('data-keys', 'old')).toThrow(/no master key with id old/);
  });

  test('AES-GCM: a changed byte, another key or another context does not open', () => {
    const key = ringOld.subKey('data-keys');
    const sealed = seal(key, Buffer.from('4111111111111111'), Buffer.from('row-1'));
    expect(sealed.toString('latin1')).not.toContain('4111111111111111');
    expect(open(key, sealed, Buffer.from('row-1')).toString()).toBe('4111111111111111');
    expect(() => open(key, sealed, Buffer.from('row-2'))).toThrow();
    expect(() => open(ringNew.subKey('data-keys'), sealed, Buffer.from('row-1'))).toThrow();
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => open(key, flipped, Buffer.from('row-1'))).toThrow();
  });

  test('envelope: a data key wrapped under the old master key is re-wrapped under the new one', () => {
    const { dataKey, ...wrapped } = newDataKey(ringOld);
    expect(wrapped.keyId).toBe('old');
    expect(unwrapDataKey(ringNew, wrapped).equals(dataKey)).toBe(true);
    expect(() => unwrapDataKey(ringNewOnly, wrapped)).toThrow(/no master key/);
    const rewrapped = rewrapDataKey(ringNew, wrapped);
    expect(rewrapped.keyId).toBe('new');
    expect(unwrapDataKey(ringNewOnly, rewrapped).equals(dataKey)).toBe(true);
  });
});

describe('payload codec', () => {
  const input = defaultPayloadConverter.toPayload({ email: 'payer@example.test', phone: '+447700900123' });

  test('encrypts the whole payload and names the key; decodes it back', async () => {
    const [encoded] = await new EncryptionCodec(ringOld).encode([input]);
    expect(Buffer.from(encoded!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(encoded!.metadata![ENCRYPTION_KEY_ID]!).toString()).toBe('old');
    expect(text(encoded!)).not.toContain('payer@example.test');
    expect(text(encoded!)).not.toContain('json/plain');
    const [decoded] = await new EncryptionCodec(ringOld).decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({
      email: 'payer@example.test',
      phone: '+447700900123',
    });
  });

  test('payloads without encryption metadata pass through (histories from before encryption)', async () => {
    expect(await new EncryptionCodec(ringNew).decode([input])).toEqual([input]);
  });

  test('after a rotation, old payloads decode while the old key is listed, new ones use the new key', async () => {
    const [old] = await new EncryptionCodec(ringOld).encode([input]);
    const [fresh] = await new EncryptionCodec(ringNew).encode([input]);
    expect(Buffer.from(fresh!.metadata![ENCRYPTION_KEY_ID]!).toString()).toBe('new');
    const decoded = await new EncryptionCodec(ringNew).decode([old!, fresh!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      { email: 'payer@example.test', phone: '+447700900123' },
      { email: 'payer@example.test', phone: '+447700900123' },
    ]);
    await expect(new EncryptionCodec(ringNewOnly).decode([old!])).rejects.toThrow(/no master key with id old/);
  });
});
