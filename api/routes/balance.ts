import { Router } from 'express';
import type { ApiDependencies } from '../app';
import { z } from 'zod';
import { readBalances } from '../../data/ledger';
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
 * holds) and what open holds reserve, of the key's mode only (docs/merchant-api.md, "Balance"): the running
 * balances, one row per currency.
 */
export function balanceRouter(deps: Pick<ApiDependencies, 'dataSource' | 'authFailureLimits'>): Router {
  const { dataSource } = deps;
  const router = Router();
  router.get('/api/v1/integration/balance', merchantAuth(deps, ['deposit', 'payout']), async (req, res) => {
    const { merchantId, mode } = req.merchant!;
    const balances = (await readBalances(dataSource, merchantId, mode))
      .filter((b) => isCurrency(b.currency))
      .map((b) => {
        const major = (minor: bigint) => toMajorUnits(Number(minor), b.currency as never);
        const available = major(b.availableMinor);
        return { currency: b.currency, amount: available, available, held: major(b.heldMinor) };
      });
    res.json(BalanceResponse.parse({ mode, balances }));
  });
  return router;
}
