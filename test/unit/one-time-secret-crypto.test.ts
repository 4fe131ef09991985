import { decryptSecret, encryptSecret, parseSecretLink, secretLink } from '../../domain/one-time-secret-crypto';

/** Issue 17: the browser's half of one-time secrets, in Node 20's WebCrypto. */

test('round trip: what is encrypted decrypts with the key of the link, and only with it', async () => {
  const plaintext = 'card 4111 1111 1111 1111, 12/30, 123 — ключ';
  const sealed = await encryptSecret(plaintext);
  expect(sealed.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(sealed.iv).toMatch(/^[A-Za-z0-9_-]{16}$/);
  expect(Buffer.from(sealed.ciphertext, 'base64url').includes(Buffer.from('4111'))).toBe(false);
  expect(await decryptSecret(sealed, sealed.key)).toBe(plaintext);

  const other = await encryptSecret(plaintext);
  expect(other.ciphertext).not.toBe(sealed.ciphertext); // a fresh key and IV every time
  await expect(decryptSecret(sealed, other.key)).rejects.toThrow();
  const tampered = Buffer.from(sealed.ciphertext, 'base64url');
  tampered[0] = tampered[0]! ^ 1;
  await expect(decryptSecret({ ...sealed, ciphertext: tampered.toString('base64url') }, sealed.key)).rejects.toThrow();
});

test('links carry the key in the fragment only', () => {
  const key = 'A'.repeat(43);
  const id = '0b6f1c8e-3c1a-4b8e-9a56-2f0d2b1e4c7a';
  const link = secretLink('https://paystar.example', id, key);
  expect(link).toBe(`https://paystar.example/secrets/${id}#${key}`);
  expect(parseSecretLink(link)).toEqual({ origin: 'https://paystar.example', id, key });
  expect(parseSecretLink(`/secrets/${id}#${key}`).origin).toBe('');
  expect(() => parseSecretLink(`https://paystar.example/secrets/${id}?key=${key}`)).toThrow();
});
