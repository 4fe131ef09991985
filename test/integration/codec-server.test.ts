import { defaultPayloadConverter } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { devKeyring } from '../../infra/security/keyring';
import { EncryptionCodec } from '../../infra/temporal/payload-codec';
import { testDataSource } from '../helpers/database';
import { startApi, TEST_ADMIN_KEY, TEST_UI_ORIGIN } from '../helpers/http';
import { createApiMerchant } from '../helpers/merchant-api-fixtures';
import { fromSetup, TEST_TEMPORAL_ADDRESS } from '../setup/services';

const URL_TOKEN = 'codec-url-token-0123456789abcdef';
let ds: DataSource;
let api: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  ds = await testDataSource();
  api = await startApi({ dataSource: ds, temporalAddress: fromSetup(TEST_TEMPORAL_ADDRESS), codecUrlToken: URL_TOKEN });
});
afterAll(async () => {
  await api?.stop();
  await ds?.destroy();
});

/** A payload as the Web UI sends it: proto3 JSON, bytes in base64. */
async function encryptedPayloadJson(value: unknown) {
  const [p] = await new EncryptionCodec(devKeyring()).encode([defaultPayloadConverter.toPayload(value)]);
  return {
    metadata: Object.fromEntries(Object.entries(p!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
    data: Buffer.from(p!.data!).toString('base64'),
  };
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_UI_ORIGIN, ...headers },
    body: JSON.stringify(body),
  });

const decodedValue = async (res: Response) => {
  const { payloads } = (await res.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
  return JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString('utf8')) as unknown;
};

test('an operator decodes payloads; without an operator credential the answer is 401', async () => {
  const body = { payloads: [await encryptedPayloadJson({ email: 'ui@example.test' })] };
  const merchant = await createApiMerchant(ds, 'deposit');
  expect((await post('/codec/decode', body)).status).toBe(401);
  expect((await post('/codec/decode', body, { authorization: `Bearer ${merchant.keys.sandbox.deposit}` })).status).toBe(
    401,
  );
  expect((await post('/codec/decode', body, { authorization: 'Bearer not-a-key' })).status).toBe(401);

  const res = await post('/codec/decode', body, { authorization: `Bearer ${TEST_ADMIN_KEY}` });
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe(TEST_UI_ORIGIN);
  expect(await decodedValue(res)).toEqual({ email: 'ui@example.test' });
});

test('encode then decode is the identity; a payload under no key of the ring is a 400', async () => {
  const auth = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
  const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: btoa('{"a":1}') };
  const encoded = await post('/codec/encode', { payloads: [plain] }, auth);
  expect(encoded.status).toBe(200);
  const { payloads } = (await encoded.json()) as { payloads: unknown[] };
  expect(await decodedValue(await post('/codec/decode', { payloads }, auth))).toEqual({ a: 1 });

  const forged = await encryptedPayloadJson('x');
  forged.metadata['encryption-key-id'] = Buffer.from('gone').toString('base64');
  expect((await post('/codec/decode', { payloads: [forged] }, auth)).status).toBe(400);
  expect((await post('/codec/decode', { nope: true }, auth)).status).toBe(400);
});

test('the header-less endpoint takes its token in the path, and the log never shows it', async () => {
  const body = { payloads: [await encryptedPayloadJson({ phone: '+447700900555' })] };
  const res = await post(`/codec/t/${URL_TOKEN}/decode`, body);
  expect(res.status).toBe(200);
  expect(await decodedValue(res)).toEqual({ phone: '+447700900555' });
  expect((await post(`/codec/t/${URL_TOKEN}x/decode`, body)).status).toBe(401);
  expect((await post('/codec/t/wrong/decode', body)).status).toBe(401);
  expect(api.logLines.join('\n')).toContain('/codec/t/***/decode');
  expect(api.logLines.join('\n')).not.toContain(URL_TOKEN);
});

test("CORS: the UI's origin passes the preflight without credentials; another origin gets no CORS headers", async () => {
  const preflight = (origin: string) =>
    fetch(`${api.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-namespace',
      },
    });
  const ok = await preflight(TEST_UI_ORIGIN);
  expect(ok.status).toBe(204);
  expect(ok.headers.get('access-control-allow-origin')).toBe(TEST_UI_ORIGIN);
  expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  const other = await preflight('https://evil.example');
  expect(other.status).toBe(403);
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});
