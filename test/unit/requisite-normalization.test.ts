import {
  normalizeCardNumber,
  normalizeEmail,
  normalizeIp,
  normalizePayeerIdentifier,
  normalizePhone,
  normalizeRequisite,
  RequisiteFormatError,
} from '../../domain/requisite-normalization';
import { cardFingerprint, maskCard } from '../../infra/security/card-fingerprint';

describe('email', () => {
  test('is trimmed and lower-cased', () => {
    expect(normalizeEmail('  John.Doe@Example.COM \n')).toBe('john.doe@example.com');
  });
  test.each(['', 'no-at-sign', 'a@b@c', 'with space@example.com'])('refuses %p', (bad) => {
    expect(() => normalizeEmail(bad)).toThrow(RequisiteFormatError);
  });
});

describe('IPv4', () => {
  test.each([
    ['192.168.0.1', '192.168.0.1'],
    [' 10.0.0.1 ', '10.0.0.1'],
    ['010.001.000.009', '10.1.0.9'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
  ])('%p → %p', (input, expected) => expect(normalizeIp(input)).toBe(expected));

  test.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '1.2.3.0004', '1.2.3.-4', 'a.b.c.d', ''])('refuses %p', (bad) => {
    expect(() => normalizeIp(bad)).toThrow(RequisiteFormatError);
  });
});

describe('IPv6 (RFC 5952)', () => {
  test.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['2001:DB8::1', '2001:db8::1'],
    // a single zero group is not compressed
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:db8::1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    // the longest run wins; on a tie, the first one
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['fe80::', 'fe80::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
  ])('%p → %p', (input, expected) => expect(normalizeIp(input)).toBe(expected));

  test.each([
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    ['0:0:0:0:0:ffff:192.0.2.1', '192.0.2.1'],
  ])('IPv4-mapped %p is the IPv4 host %p', (input, expected) => expect(normalizeIp(input)).toBe(expected));

  test('an IPv4 address embedded in a non-mapped address is rendered in hex', () => {
    expect(normalizeIp('64:ff9b::192.0.2.33')).toBe('64:ff9b::c000:221');
  });

  test.each([
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::1',
    'g::1',
    ':1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    'fe80::1%eth0',
    '::ffff:300.1.1.1',
    '1.2.3.4::',
  ])('refuses %p', (bad) => expect(() => normalizeIp(bad)).toThrow(RequisiteFormatError));
});

describe('phone (E.164)', () => {
  test.each([
    ['+1 (555) 123-4567', '+15551234567'],
    [' +44 20 7946 0958 ', '+442079460958'],
    ['+44 (0)20 7946 0958', '+442079460958'],
    ['+49.30.1234567', '+49301234567'],
    ['+380671234567', '+380671234567'],
  ])('%p → %p', (input, expected) => expect(normalizePhone(input)).toBe(expected));

  test('a number without + is refused as ambiguous', () => {
    expect(() => normalizePhone('5551234567')).toThrow(/\+/);
    expect(() => normalizePhone('00442079460958')).toThrow(RequisiteFormatError);
  });

  test.each(['+0123456789', '+12345', '+1234567890123456', '+1 555 CALL NOW', '+1+5551234567'])('refuses %p', (bad) =>
    expect(() => normalizePhone(bad)).toThrow(RequisiteFormatError),
  );
});

describe('payeerIdentifier and card digits', () => {
  test('payeerIdentifier is trimmed, its case kept', () => {
    expect(normalizePayeerIdentifier('  P1000123 ')).toBe('P1000123');
    expect(() => normalizePayeerIdentifier('   ')).toThrow(RequisiteFormatError);
  });

  test('card digits drop spaces and dashes and must be 12–19 digits', () => {
    expect(normalizeCardNumber('4111 1111-1111 1111')).toBe('4111111111111111');
    expect(normalizeCardNumber('123456789012')).toBe('123456789012');
    expect(() => normalizeCardNumber('12345678901')).toThrow(RequisiteFormatError);
    expect(() => normalizeCardNumber('12345678901234567890')).toThrow(RequisiteFormatError);
    expect(() => normalizeCardNumber('4111 1111 1111 111x')).toThrow(RequisiteFormatError);
  });

  test('normalizeRequisite dispatches by type and names the type in its error', () => {
    expect(normalizeRequisite('email', 'A@B.C')).toBe('a@b.c');
    expect(normalizeRequisite('ip', '::FFFF:1.2.3.4')).toBe('1.2.3.4');
    expect(normalizeRequisite('card', '4111-1111-1111-1111')).toBe('4111111111111111');
    try {
      normalizeRequisite('phone', '555 1234');
      throw new Error('expected a RequisiteFormatError');
    } catch (err) {
      expect(err).toBeInstanceOf(RequisiteFormatError);
      expect((err as RequisiteFormatError).requisite).toBe('phone');
    }
  });
});

describe('card fingerprint and mask', () => {
  test('the fingerprint is HMAC-SHA256 of the digits under the key, in hex', () => {
    // Reference value: printf 4111111111111111 | openssl dgst -sha256 -hmac test-key
    expect(cardFingerprint('4111111111111111', 'test-key')).toBe(
      'b9a296a413d12fc678c4027233b1926dccb9bc80f18f07061a9f429d8d8a09e7',
    );
  });

  test('spellings of one card share a fingerprint; another key gives another one', () => {
    const fp = cardFingerprint('4111111111111111', 'k1');
    expect(cardFingerprint('4111 1111 1111 1111', 'k1')).toBe(fp);
    expect(cardFingerprint('4111-1111-1111-1111', Buffer.from('k1'))).toBe(fp);
    expect(cardFingerprint('4111111111111111', 'k2')).not.toBe(fp);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the mask keeps the first 6 and last 4 digits', () => {
    expect(maskCard('4111 1111 1111 1111')).toBe('411111******1111');
    // A 12-digit card used to show 10 of its digits (issue 20): at least 6 stay hidden.
    expect(maskCard('123456789012')).toBe('12******9012');
    expect(maskCard('1234567890123')).toBe('123******0123');
    expect(maskCard('1234567890123456789')).toBe('123456*********6789');
    expect(maskCard('6011000990139424123')).toBe('601100*********4123');
  });
});
