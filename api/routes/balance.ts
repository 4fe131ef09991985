import { Router } from 'express';
import type { ApiDependencies } from '../app';
import { z } from 'zod';
import { isCurrency, toMajorUnits } from '../../domain/money';
import { merchantAuth } from '../auth';
import { ErrorBody, merchantBearer, openApiRegistry } from '../openapi';

const BalanceResponse = openApiRegistry.register(
  'BalanceResponse',
  z.object({
    mode: z.enum(['sandbox', 'live']).openapi({ description: "The key's mode: sandbox and live money never mix" }),
    balances: z.array(
      z.object({
        currency: z.string().openapi({ example: 'USD' }),
        amount: z.number().openapi({ description: 'What payouts can use (= available), major units', example: 70 }),
        available: z.number().openapi({ description: 'Ledger balance minus held, major units', example: 70 }),
        held: z.number().openapi({
          description: 'Reserved for payouts in flight (amount plus commission), major units',
          example: 30,
        }),
      }),
    ),
  }),
);

openApiRegistry.registerPath({
  method: 'get',
  path: '/api/v1/integration/balance',
  summary: "The merchant's available and held balance per currency, for the key's mode",
  security: [{ [merchantBearer.name]: [] }],
  responses: {
    200: { description: 'Balances', content: { 'application/json': { schema: BalanceResponse } } },
    401: { description: 'Missing or unknown key', content: { 'application/json': { schema: ErrorBody } } },
  },
});

/**
 * `GET /api/v1/integration/balance`: per currency, what the merchant's payouts can use (ledger postings minus open
 * holds) and what open holds reserve, of the key's mode only (docs/merchant-api.md, "Balance").
 */
export function balanceRouter(deps: Pick<ApiDependencies, 'dataSource' | 'authFailureLimits'>): Router {
  const { dataSource } = deps;
  const router = Router();
  router.get('/api/v1/integration/balance', merchantAuth(deps, ['deposit', 'payout']), async (req, res) => {
    const { merchantId, mode } = req.merchant!;
    const rows: Array<{ currency: string; posted: string; held: string }> = await dataSource.query(
      `SELECT currency, sum(posted)::text AS posted, sum(held)::text AS held FROM (
         SELECT currency, amount_minor AS posted, 0 AS held FROM ledger_postings
          WHERE merchant_id = $1 AND mode = $2
         UNION ALL
         SELECT currency, 0, amount_minor + commission_minor FROM balance_holds
          WHERE merchant_id = $1 AND mode = $2 AND status = 'held'
       ) b GROUP BY currency ORDER BY currency`,
      [merchantId, mode],
    );
    const balances = rows
      .filter((r) => isCurrency(r.currency))
      .map((r) => {
        const major = (minor: number) => toMajorUnits(minor, r.currency as never);
        const held = Number(r.held);
        const available = Number(BigInt(r.posted) - BigInt(r.held));
        return { currency: r.currency, amount: major(available), available: major(available), held: major(held) };
      });
    res.json(BalanceResponse.parse({ mode, balances }));
  });
  return router;
}
