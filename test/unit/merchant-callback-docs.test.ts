import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The merchant callback example in docs/merchant-callbacks.md shows event ids as the engine sends them. */
const doc = readFileSync(path.join(__dirname, '../../docs/merchant-callbacks.md'), 'utf8');
// The workflow makes each event id with workflow.uuid4(): a version 4 UUID.
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('the documented request carries a UUID event id, the same in the headers and the body', () => {
  const example = /```http\n([\s\S]*?)```/.exec(doc)?.[1];
  expect(example).toBeDefined();
  const header = (name: string) => new RegExp(`^${name}: (.+)$`, 'm').exec(example!)?.[1];
  const body = JSON.parse(example!.slice(example!.indexOf('\n{'))) as { eventId: string };
  expect(body.eventId).toMatch(UUID_V4);
  expect(header('X-PayStar-Event-Id')).toBe(body.eventId);
  expect(header('Idempotency-Key')).toBe(body.eventId);
});
