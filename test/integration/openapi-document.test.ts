import { useAdminApi } from '../helpers/admin-client';

/** Issue 20: the document says every answer the server gives, names every operation, and has the webhooks. */
const ctx = useAdminApi();

type Operation = {
  operationId?: string;
  security?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  webhooks?: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, { maximum?: number }> }> };
};

async function document(): Promise<Doc> {
  return (await (await fetch(`${ctx.api.baseUrl}/openapi.json`)).json()) as Doc;
}

const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );

test('every operation has a unique operationId and the answers the shared middleware gives', async () => {
  const doc = await document();
  const ids = operations(doc).map(({ op }) => op.operationId);
  expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
  for (const { path, method, op } of operations(doc)) {
    const codes = Object.keys(op.responses);
    const expected = ['400', ...(op.requestBody ? ['413', '415'] : []), ...(op.security?.length ? ['401', '429'] : [])];
    expect({ path, method, missing: expected.filter((c) => !codes.includes(c)) }).toEqual({
      path,
      method,
      missing: [],
    });
  }
});

test('admin changes document the 404 and 409 that schema rules give', async () => {
  const doc = await document();
  for (const { path, method, op } of operations(doc)) {
    if (!path.startsWith('/api/v1/admin/') || method === 'get') continue;
    expect({ path, method, codes: Object.keys(op.responses) }).toEqual({
      path,
      method,
      codes: expect.arrayContaining(['404', '409']),
    });
  }
});

test('merchant callbacks are webhooks; the payment page and the payout destination rule are described', async () => {
  const doc = await document();
  expect(doc.webhooks?.orderFinal?.post?.operationId).toBe('merchantCallback');
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/pay/{externalId}']));
  const payout = doc.paths['/api/v1/integration/withdrawal-order']!.post!;
  expect(JSON.stringify(payout.requestBody)).toContain('A payout needs a destination');
  expect(doc.components.schemas.CreateOrderRequest!.properties!.amount!.maximum).toBe(450359962737049);
});

test('HTML answers carry security headers, framing refused', async () => {
  for (const path of ['/docs', '/pay/00000000-0000-4000-8000-000000000000']) {
    const res = await fetch(`${ctx.api.baseUrl}${path}`);
    expect(res.headers.get('content-type')).toContain('text/html');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  }
});
