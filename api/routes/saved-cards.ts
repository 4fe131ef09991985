import { Router } from 'express';
import { z } from 'zod';
import { CardVault } from '../../vault/card-vault';
import type { ApiDependencies } from '../app';
import { merchantAuth } from '../auth';
import { HttpError } from '../errors';
import { ErrorBody, merchantBearer, openApiRegistry } from '../openapi';

const PATH = '/api/v1/integration/card-storage-tokens';

openApiRegistry.registerPath({
  method: 'delete',
  path: `${PATH}/{cardStorageToken}`,
  summary: 'Delete a saved card (deposit keys only): the card is destroyed, the token stops working',
  security: [{ [merchantBearer.name]: [] }],
  request: { params: z.object({ cardStorageToken: z.string() }) },
  responses: {
    204: { description: 'Deleted' },
    401: { description: 'Missing, unknown or revoked key', content: { 'application/json': { schema: ErrorBody } } },
    403: { description: 'Not a deposit key', content: { 'application/json': { schema: ErrorBody } } },
    404: {
      description: 'The merchant has no saved card with this token',
      content: { 'application/json': { schema: ErrorBody } },
    },
  },
});

/**
 * Saved cards of Deposit H2H Token (docs/card-vault.md#saved-cards): a deposit with `saveCard: "true"` answers a
 * `cardStorageToken`; deleting it destroys the card. Tokens are the merchant's own: another merchant's is a 404.
 */
export function savedCardsRouter(deps: ApiDependencies): Router {
  const router = Router();
  router.delete(`${PATH}/:token`, merchantAuth(deps, ['deposit']), async (req, res) => {
    const vault = new CardVault(deps.dataSource, deps.keyring);
    const deleted = await vault.deleteSavedCard(req.merchant!.merchantId, String(req.params.token));
    if (!deleted) throw new HttpError(404, 'NOT_FOUND', 'no saved card with this token');
    res.status(204).end();
  });
  return router;
}
