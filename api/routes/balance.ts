import { Router } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { isCurrency, toMajorUnits } from '../../domain/money';
import { merchantAuth } from '../auth';
import { ErrorBody, merchantBearer, openApiRegistry } from '../openapi';

const BalanceResponse = openApiRegistry.register(
  'BalanceResponse',
  z.object({
    balances: z.array(
      z.object({
        currency: z.string().openapi({ example: 'USD' }),
        amount: z.number().openapi({ description: 'Major units', example: 10000 }),
      }),
    ),
  }),
);

openApiRegistry.registerPath({
  method: 'get',
  path: '/api/v1/integration/balance',
  summary: "The merchant's balance per currency",
  security: [{ [merchantBearer.name]: [] }],
  responses: {
    200: { description: 'Balances', content: { 'application/json': { schema: BalanceResponse } } },
    401: { description: 'Missing or unknown key', content: { 'application/json': { schema: ErrorBody } } },
  },
});

/** `GET /api/v1/integration/balance`: the sum of the merchant's ledger postings, per currency. */
export function balanceRouter(dataSource: DataSource): Router {
  const router = Router();
  router.get('/api/v1/integration/balance', merchantAuth(dataSource, ['deposit', 'payout']), async (req, res) => {
    const rows: Array<{ currency: string; amount_minor: string }> = await dataSource.query(
      `SELECT currency, SUM(amount_minor)::text AS amount_minor FROM ledger_postings
       WHERE merchant_id = $1 GROUP BY currency ORDER BY currency`,
      [req.merchant!.merchantId],
    );
    const balances = rows
      .filter((r) => isCurrency(r.currency))
      .map((r) => ({ currency: r.currency, amount: toMajorUnits(Number(r.amount_minor), r.currency as never) }));
    res.json(BalanceResponse.parse({ balances }));
  });
  return router;
}
