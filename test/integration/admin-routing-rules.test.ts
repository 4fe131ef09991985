import { randomUUID } from 'node:crypto';
import { adminSetUpMerchant, expectStatus, type HttpClient, useAdminApi } from '../helpers/admin-client';

/** Routing rules through the admin API: create, list, read, update, delete, each change in the audit log. */

const ctx = useAdminApi();
let admin: HttpClient;
beforeAll(() => {
  ({ admin } = ctx);
});

const RULES = '/api/v1/admin/routing-rules';
const failedCards = { requisite: 'card', counts: 'failed', threshold: 3, windowSeconds: 86_400, action: 'block' };

test('a rule is created, listed, changed and deleted, and the audit log has every change', async () => {
  const m = await adminSetUpMerchant(admin, {
    pipelines: ['main', 'reserve'],
    gatewayScenarios: ['success', 'success'],
  });
  const rule = await expectStatus(
    admin.post(RULES, { scope: 'merchant', merchantId: m.merchantId, ...failedCards, description: 'card testing' }),
    201,
  );
  expect(rule).toMatchObject({
    scope: 'merchant',
    merchantId: m.merchantId,
    pipelineId: null,
    direction: null,
    requisite: 'card',
    counts: 'failed',
    threshold: 3,
    windowSeconds: 86_400,
    action: 'block',
    targetGatewayId: null,
    targetPipelineId: null,
    enabled: true,
    description: 'card testing',
  });
  const onPipeline = await expectStatus(
    admin.post(RULES, {
      scope: 'pipeline',
      pipelineId: m.pipelines.main!.id,
      direction: 'deposit',
      requisite: 'ip',
      counts: 'attempts',
      threshold: 20,
      windowSeconds: 3600,
      action: 'to-pipeline',
      targetPipelineId: m.pipelines.reserve!.id,
    }),
    201,
  );
  const listed = await expectStatus(admin.get(`${RULES}?merchantId=${m.merchantId}`), 200);
  expect(listed.items.map((r: { id: string }) => r.id)).toEqual([rule.id, onPipeline.id]);
  const byPipeline = await expectStatus(admin.get(`${RULES}?pipelineId=${m.pipelines.main!.id}`), 200);
  expect(byPipeline.items.map((r: { id: string }) => r.id)).toEqual([onPipeline.id]);
  expect(await expectStatus(admin.get(`${RULES}/${rule.id}`), 200)).toEqual(rule);

  const lowered = await expectStatus(
    admin.patch(`${RULES}/${rule.id}`, { threshold: 5, action: 'lower-gateway', targetGatewayId: m.gateways[0]!.id }),
    200,
  );
  expect(lowered).toMatchObject({ threshold: 5, action: 'lower-gateway', targetGatewayId: m.gateways[0]!.id });
  // Back to a block: the gateway target goes with the old action.
  const blocking = await expectStatus(admin.patch(`${RULES}/${rule.id}`, { action: 'block', enabled: false }), 200);
  expect(blocking).toMatchObject({ action: 'block', targetGatewayId: null, enabled: false });

  const deleted = await expectStatus(admin.delete(`${RULES}/${rule.id}?reason=false%20positives`), 200);
  expect(deleted).toEqual(blocking);
  expect((await admin.get(`${RULES}/${rule.id}`)).status).toBe(404);
  expect((await admin.delete(`${RULES}/${rule.id}`)).status).toBe(404);

  const audit = await expectStatus(admin.get(`/api/v1/admin/audit-log?entityId=${rule.id}`), 200);
  expect(audit.items.map((a: { action: string }) => a.action)).toEqual(['delete', 'update', 'update', 'create']);
  expect(audit.items.every((a: { entityType: string }) => a.entityType === 'routing-rule')).toBe(true);
  expect(audit.items[0]).toMatchObject({ note: 'false positives', after: null, before: { id: rule.id } });
  expect(audit.items[2]).toMatchObject({ before: { threshold: 3 }, after: { threshold: 5, action: 'lower-gateway' } });
});

test('bad rules are refused with a 400 naming the field, and nothing is stored', async () => {
  const m = await adminSetUpMerchant(admin);
  const other = await adminSetUpMerchant(admin);
  const owner = { scope: 'merchant', merchantId: m.merchantId };
  const refused: Array<[Record<string, unknown>, string]> = [
    [{ ...owner, ...failedCards, action: 'to-gateway' }, 'targetGatewayId'],
    [{ ...owner, ...failedCards, targetGatewayId: m.gateways[0]!.id }, 'targetGatewayId'],
    [{ ...owner, ...failedCards, action: 'to-pipeline' }, 'targetPipelineId'],
    [{ ...owner, ...failedCards, windowSeconds: 59 }, 'windowSeconds'],
    [{ ...owner, ...failedCards, threshold: -1 }, 'threshold'],
    [{ ...owner, ...failedCards, requisite: 'cardNumber' }, 'requisite'],
    [{ ...owner, ...failedCards, counts: 'successes' }, 'counts'],
    [{ scope: 'pipeline', merchantId: m.merchantId, ...failedCards }, 'pipelineId'],
    [
      { ...owner, ...failedCards, action: 'to-pipeline', targetPipelineId: other.pipelines.main!.id },
      'targetPipelineId',
    ],
  ];
  for (const [body, field] of refused) {
    const answer = await admin.post(RULES, body);
    expect({ field, status: answer.status }).toEqual({ field, status: 400 });
    expect(JSON.stringify(answer.json)).toContain(field);
  }
  // A target that does not exist is a 404.
  expect(
    (await admin.post(RULES, { ...owner, ...failedCards, action: 'to-gateway', targetGatewayId: randomUUID() })).status,
  ).toBe(404);
  const listed = await expectStatus(admin.get(`${RULES}?merchantId=${m.merchantId}`), 200);
  expect(listed.items).toEqual([]);

  const rule = await expectStatus(admin.post(RULES, { ...owner, ...failedCards }), 201);
  expect((await admin.patch(`${RULES}/${rule.id}`, { action: 'to-gateway' })).status).toBe(400);
  expect((await admin.patch(`${RULES}/${rule.id}`, { scope: 'pipeline' })).status).toBe(400);
  expect((await admin.patch(`${RULES}/${randomUUID()}`, { threshold: 1 })).status).toBe(404);
  expect(await expectStatus(admin.get(`${RULES}/${rule.id}`), 200)).toEqual(rule);
});
