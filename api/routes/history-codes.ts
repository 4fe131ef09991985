import { Router } from 'express';
import { z } from 'zod';
import { HISTORY_CODES, REASON_GROUPS, REASONS } from '../../domain/history-codes';
import { docsRouter } from '../docs-page';
import { openApiRegistry } from '../openapi';

const HistoryCodeSchema = z.object({
  code: z.string().openapi({ description: 'The v2 code `A.C.B.RR`', example: '5.2.2.16' }),
  legacyCodes: z
    .array(z.string())
    .openapi({ description: 'Legacy codes seed 001 maps to this code (none for extensions)' }),
  action: z.string().openapi({ description: 'The legacy code emitted in `orderHistory[].action`', example: '5.0.0.2' }),
  actor: z.enum(['PS', 'GATEWAY_CREATE', 'PAYFORM', 'STATUS_CHECK', 'GATEWAY_CALLBACK', 'MERCHANT_CALLBACK']),
  stage: z.string().openapi({ example: 'Verify' }),
  class: z.enum(['info', 'success', 'failure']),
  status: z.enum(['created', 'processing', 'success', 'failed']).openapi({ description: 'Payment status after it' }),
  reason: z
    .string()
    .nullable()
    .openapi({ description: 'Reason key, null for RR 00', example: 'TECH.INVALID_SIGNATURE' }),
  description: z.string(),
  extension: z.boolean().openapi({ description: 'True when the engine added the code; false for seed 001 codes' }),
  note: z.string().optional(),
});

const ReasonSchema = z.object({
  rr: z.string().openapi({ description: 'The RR digits', example: '16' }),
  key: z.string().openapi({ example: 'TECH.INVALID_SIGNATURE' }),
  group: z.enum(Object.keys(REASON_GROUPS) as [keyof typeof REASON_GROUPS, ...Array<keyof typeof REASON_GROUPS>]),
  description: z.string(),
  extension: z.boolean(),
});

const HistoryCodesResponse = openApiRegistry.register(
  'HistoryCodesResponse',
  z.object({ codes: z.array(HistoryCodeSchema), reasons: z.array(ReasonSchema) }),
);

openApiRegistry.registerPath({
  method: 'get',
  path: '/api/v1/history-codes',
  summary: 'The history code catalog',
  description:
    'Every code an order history can hold, with its legacy `action` and its meaning. No key needed: it is ' +
    'documentation, the same for everyone.',
  responses: {
    200: { description: 'The catalog', content: { 'application/json': { schema: HistoryCodesResponse } } },
  },
});

/** The catalog as the endpoint answers it; built once, it is constant for the life of the process. */
export function historyCodesCatalog(): z.infer<typeof HistoryCodesResponse> {
  return HistoryCodesResponse.parse({
    codes: HISTORY_CODES.map((d) => ({
      code: d.code,
      legacyCodes: [...d.legacy],
      action: d.action,
      actor: d.actor,
      stage: d.stage,
      class: d.class,
      status: d.status,
      reason: d.reason,
      description: d.description,
      extension: d.extension,
      ...(d.note ? { note: d.note } : {}),
    })),
    reasons: Object.entries(REASONS).map(([rr, r]) => ({
      rr,
      key: r.key,
      group: r.group,
      description: r.description,
      extension: r.extension,
    })),
  });
}

/**
 * `GET /api/v1/history-codes` (the catalog, no auth) and `GET /docs` (the readable API reference), which lives here
 * because this router is mounted after every other route has registered its OpenAPI paths.
 */
export function historyCodesRouter(): Router {
  const router = Router();
  const catalog = historyCodesCatalog();
  router.get('/api/v1/history-codes', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(catalog);
  });
  router.use(docsRouter());
  return router;
}
