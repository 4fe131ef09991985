import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUuid } from '../../domain/ids';

/** docs/merchant-callbacks.md shows event ids the way the engine sends them (workflow uuid4: plain UUIDs). */
test('every event id in the merchant callback docs is a plain UUID, as the engine sends', () => {
  const doc = readFileSync(join(__dirname, '../../docs/merchant-callbacks.md'), 'utf8');
  const ids = [
    ...doc.matchAll(/"eventId":"([^"]+)"/g),
    ...doc.matchAll(/^(?:X-PayStar-Event-Id|Idempotency-Key): (\S+)$/gm),
  ].map((m) => m[1]!);
  expect(ids.length).toBeGreaterThanOrEqual(3);
  for (const id of ids) expect(isUuid(id)).toBe(true);
});
