import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adminAction, allows, PERMISSIONS } from '../../api/accounts/permissions';

/** The permission table of issue 16: docs/accounts.md prints what the code enforces. */

test("docs/accounts.md lists exactly each role's allowed actions", () => {
  const doc = readFileSync(path.join(__dirname, '../../docs/accounts.md'), 'utf8');
  for (const [role, patterns] of Object.entries(PERMISSIONS)) {
    const row = doc.split('\n').find((line) => new RegExp(`^\\|\\s*${role}\\s*\\|`).test(line));
    expect({ role, listed: [...(row ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]) }).toEqual({
      role,
      listed: patterns,
    });
  }
});

test('admin API actions: reads, writes, read-only searches, and unknown resources left to admins', () => {
  expect(adminAction('GET', '/merchants/abc/keys')).toBe('admin:merchants:read');
  expect(adminAction('POST', '/keys/abc/rotate')).toBe('admin:merchants:write');
  expect(adminAction('POST', '/blacklist/search')).toBe('admin:blacklist:read');
  expect(adminAction('PUT', '/pipelines/abc/routes')).toBe('admin:routing:write');
  expect(allows('operator', 'support', adminAction('POST', '/blacklist/search'))).toBe(true);
  expect(allows('operator', 'operations', adminAction('POST', '/a-route-added-later'))).toBe(false);
  expect(allows('operator', 'admin', adminAction('POST', '/a-route-added-later'))).toBe(true);
  // Routing rules shape routing and gateway answers belong to gateways: operations manage both, support reads.
  expect(adminAction('POST', '/routing-rules')).toBe('admin:routing:write');
  expect(adminAction('PUT', '/gateway-answers/stripe/card_declined')).toBe('admin:gateways:write');
  expect(allows('operator', 'operations', adminAction('PATCH', '/routing-rules/abc'))).toBe(true);
  expect(allows('operator', 'support', adminAction('DELETE', '/gateway-answers/stripe/x'))).toBe(false);
  expect(allows('merchant', 'owner', 'admin:orders:read')).toBe(false);
  expect(allows('operator', 'nobody', 'admin:orders:read')).toBe(false);
});
