import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { type Keyring, open, seal } from '../security/keyring';

/** The `encoding` metadata of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata key naming the master key a payload is encrypted under. */
export const ENCRYPTION_KEY_ID = 'encryption-key-id';

const text = new TextEncoder();
const untext = new TextDecoder();

/**
 * Encrypts every payload (workflow and activity inputs and results, signals, queries, updates, memos) with
 * AES-256-GCM under the keyring's `temporal-payloads` sub-key, the key id in the payload's metadata. The whole
 * payload (its own metadata and data) is the plaintext, so Temporal's history shows nothing but the key id.
 *
 * Payloads without the encryption metadata pass through decode unchanged: histories recorded before encryption
 * (the replay fixtures of test/histories) still replay, and workflows started before the switch still run.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.activeId;
    const key = this.keyring.subKey('temporal-payloads', keyId);
    return payloads.map((payload) => ({
      metadata: { encoding: text.encode(ENCRYPTED_ENCODING), [ENCRYPTION_KEY_ID]: text.encode(keyId) },
      data: seal(key, Buffer.from(temporal.api.common.v1.Payload.encode(payload).finish()), Buffer.from(keyId)),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || untext.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[ENCRYPTION_KEY_ID];
      if (!keyIdBytes || !payload.data) throw new Error('an encrypted payload without key id or data');
      const keyId = untext.decode(keyIdBytes);
      const plain = open(
        this.keyring.subKey('temporal-payloads', keyId),
        Buffer.from(payload.data),
        Buffer.from(keyId),
      );
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}

/** The data converter of every Temporal client and worker of the engine. */
export function encryptedDataConverter(keyring: Keyring): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring)] };
}
