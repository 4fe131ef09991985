import { createHmac } from 'node:crypto';
import {
  merchantCallbackSignatureHeader,
  parseSignatureHeader,
  signMerchantCallback,
  verifyMerchantCallback,
} from '../../infra/security/merchant-callback-signature';

const secret = 'a'.repeat(32) + 'b'.repeat(32);
const body = JSON.stringify({ eventId: 'evt_1', orderStatus: 'Success', amount: 10.5, currency: 'USD' });
const t = 1_763_800_000;

describe('signMerchantCallback', () => {
  test('is the hex HMAC-SHA256 of "<t>.<body>" keyed with the secret string', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signMerchantCallback(secret, t, body)).toBe(expected);
    expect(signMerchantCallback(secret, t, Buffer.from(body))).toBe(expected);
    expect(merchantCallbackSignatureHeader(secret, t, body)).toBe(`t=${t},v1=${expected}`);
  });

  test('refuses a fractional or negative timestamp and an empty secret', () => {
    expect(() => signMerchantCallback(secret, 1.5, body)).toThrow(RangeError);
    expect(() => signMerchantCallback(secret, -1, body)).toThrow(RangeError);
    expect(() => signMerchantCallback('', t, body)).toThrow(RangeError);
  });
});

describe('verifyMerchantCallback', () => {
  const header = merchantCallbackSignatureHeader(secret, t, body);

  test('accepts what was signed, as a string or as the raw bytes', () => {
    expect(verifyMerchantCallback(secret, header, body, { now: t })).toEqual({ valid: true, timestamp: t });
    expect(verifyMerchantCallback(secret, header, Buffer.from(body), { now: t + 299 })).toEqual({
      valid: true,
      timestamp: t,
    });
  });

  test('refuses a tampered body, even by one byte or by whitespace', () => {
    expect(verifyMerchantCallback(secret, header, body.replace('10.5', '10.6'), { now: t })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifyMerchantCallback(secret, header, `${body} `, { now: t })).toMatchObject({ reason: 'mismatch' });
  });

  test('refuses a signature made with another secret', () => {
    const forged = merchantCallbackSignatureHeader('c'.repeat(64), t, body);
    expect(verifyMerchantCallback(secret, forged, body, { now: t })).toEqual({ valid: false, reason: 'mismatch' });
  });

  test('refuses a replayed callback whose timestamp is outside the tolerance, either way', () => {
    expect(verifyMerchantCallback(secret, header, body, { now: t + 301 })).toEqual({ valid: false, reason: 'stale' });
    expect(verifyMerchantCallback(secret, header, body, { now: t - 301 })).toEqual({ valid: false, reason: 'stale' });
    expect(verifyMerchantCallback(secret, header, body, { now: t + 59, toleranceSeconds: 60 }).valid).toBe(true);
    expect(verifyMerchantCallback(secret, header, body, { now: t + 61, toleranceSeconds: 60 })).toMatchObject({
      reason: 'stale',
    });
  });

  test('checks the timestamp against the system clock by default', () => {
    const fresh = Math.floor(Date.now() / 1000);
    expect(verifyMerchantCallback(secret, merchantCallbackSignatureHeader(secret, fresh, body), body).valid).toBe(true);
    expect(verifyMerchantCallback(secret, header, body)).toEqual({ valid: false, reason: 'stale' });
  });

  test('refuses a timestamp moved to a fresh one, because the timestamp is signed', () => {
    const moved = header.replace(`t=${t}`, `t=${t + 1000}`);
    expect(verifyMerchantCallback(secret, moved, body, { now: t + 1000 })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  test('accepts any one matching v1 (secret rotation) and ignores unknown schemes', () => {
    const old = signMerchantCallback('d'.repeat(64), t, body);
    const current = signMerchantCallback(secret, t, body);
    expect(verifyMerchantCallback(secret, `t=${t},v1=${old},v1=${current}`, body, { now: t }).valid).toBe(true);
    expect(verifyMerchantCallback(secret, `v2=abc, t=${t} , v1=${current.toUpperCase()}`, body, { now: t }).valid).toBe(
      true,
    );
  });

  test.each([
    ['missing', undefined],
    ['empty', ''],
    ['no signature', `t=${t}`],
    ['no timestamp', `v1=${'0'.repeat(64)}`],
    ['timestamp not a number', `t=soon,v1=${'0'.repeat(64)}`],
    ['negative timestamp', `t=-5,v1=${'0'.repeat(64)}`],
    ['two timestamps', `t=${t},t=${t},v1=${'0'.repeat(64)}`],
    ['short signature', `t=${t},v1=abc`],
    ['signature not hex', `t=${t},v1=${'z'.repeat(64)}`],
    ['no key=value', `t=${t};v1=${'0'.repeat(64)}`],
    ['too long', `t=${t},${'x=1,'.repeat(300)}v1=${'0'.repeat(64)}`],
  ])('refuses a malformed header (%s)', (_name, malformed) => {
    expect(parseSignatureHeader(malformed)).toBeNull();
    expect(verifyMerchantCallback(secret, malformed, body, { now: t })).toEqual({ valid: false, reason: 'malformed' });
  });
});
