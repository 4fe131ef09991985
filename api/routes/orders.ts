import { Router } from 'express';
import type { Direction } from '../../domain/order';
import type { ApiDependencies } from '../app';
import { merchantAuth } from '../auth';
import { createOrder } from '../orders/create';
import { registerOrderPaths } from '../orders/openapi-paths';
import { CreateOrderResponse } from '../orders/schemas';
import { readOrderStatus } from '../orders/status';
import { temporaryErrorsAs423 } from '../orders/temporary-errors';

registerOrderPaths();

const PATHS: ReadonlyArray<readonly [string, Direction]> = [
  ['/api/v1/integration/deposit-order', 'deposit'],
  ['/api/v1/integration/withdrawal-order', 'payout'],
];

/** Merchants poll the status: a successful read is logged at debug, a refused or failed one at info (api/app.ts). */
const STATUS_READ_LOG_LEVEL = 'debug';

/** Deposit and withdrawal orders: create (seed 003) and the four status endpoints (seed 002). */
export function ordersRouter(deps: ApiDependencies): Router {
  const router = Router();
  for (const [base, direction] of PATHS) {
    const auth = merchantAuth(deps, [direction]);

    router.post(base, auth, async (req, res) => {
      const order = await createOrder(deps, req, direction);
      res.status(200).json(
        CreateOrderResponse.parse({
          externalId: order.externalId,
          orderStatus: order.orderStatus,
          // The hosted payment form (api/routes/payment-form.ts) of this order.
          ...(order.flow === 'h2c'
            ? { paymentFormUrl: `${req.protocol}://${req.get('host')}/pay/${order.externalId}` }
            : {}),
          ...(order.cardStorageToken ? { cardStorageToken: order.cardStorageToken } : {}),
        }),
      );
    });

    router.get(`${base}/:externalId/status`, auth, async (req, res) => {
      const { merchantId } = req.merchant!;
      res.locals.successLogLevel = STATUS_READ_LOG_LEVEL;
      res.json(
        await readOrderStatus(deps.dataSource, merchantId, direction, {
          by: 'externalId',
          value: req.params.externalId as string,
        }),
      );
    });

    router.get(`${base}/:externalTransactionId/status-by-external-transaction-id`, auth, async (req, res) => {
      const { merchantId } = req.merchant!;
      res.locals.successLogLevel = STATUS_READ_LOG_LEVEL;
      res.json(
        await readOrderStatus(deps.dataSource, merchantId, direction, {
          by: 'externalTransactionId',
          value: req.params.externalTransactionId as string,
        }),
      );
    });
  }
  router.use(temporaryErrorsAs423);
  return router;
}
