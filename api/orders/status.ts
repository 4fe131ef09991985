import { isUuid } from '../../domain/ids';
import type { DataSource } from 'typeorm';
import { describeStoredCode } from '../../domain/history-codes';
import { isCurrency, toMajorUnits } from '../../domain/money';
import type { Direction, OrderStatus } from '../../domain/order';
import { HttpError } from '../errors';
import { OrderStatusResponse } from './schemas';
import type { z } from 'zod';

/** How the status endpoints find an order: by the engine's id or by the merchant's. */
export type OrderLookup = { by: 'externalId'; value: string } | { by: 'externalTransactionId'; value: string };

interface StatusRow {
  id: string;
  status: OrderStatus;
  amount_minor: string;
  currency: string;
  external_transaction_id: string;
  card_mask: string | null;
  card_holder: string | null;
  card_token: string | null;
  card_storage_token: string | null;
}

/**
 * The seed 002 status answer, read from PostgreSQL only, so it works with no worker running and after the workflow
 * closed. Another merchant's order, an unknown id and a malformed id are all the same 404.
 */
export async function readOrderStatus(
  dataSource: DataSource,
  merchantId: string,
  direction: Direction,
  lookup: OrderLookup,
): Promise<z.infer<typeof OrderStatusResponse>> {
  const notFound = () => new HttpError(404, 'ORDER_NOT_FOUND', `no ${direction} order ${lookup.value}`);
  if (lookup.by === 'externalId' && !isUuid(lookup.value)) throw notFound();
  const column = lookup.by === 'externalId' ? 'id' : 'external_transaction_id';
  const rows: StatusRow[] = await dataSource.query(
    `SELECT id, status, amount_minor::text AS amount_minor, currency, external_transaction_id, card_mask, card_holder,
            card_token, card_storage_token
     FROM orders WHERE merchant_id = $1 AND direction = $2 AND ${column} = $3`,
    [merchantId, direction, lookup.value],
  );
  const order = rows[0];
  if (!order) throw notFound();
  const history: Array<{ code: string; occurred_at: Date }> = await dataSource.query(
    `SELECT code, occurred_at FROM order_history WHERE order_id = $1 ORDER BY seq`,
    [order.id],
  );
  const currency = order.currency.trim();
  return OrderStatusResponse.parse({
    externalId: order.id,
    orderStatus: order.status,
    amount: isCurrency(currency) ? toMajorUnits(Number(order.amount_minor), currency) : Number(order.amount_minor),
    currency,
    externalTransactionId: order.external_transaction_id,
    externalParams: {
      cardToken: order.card_token,
      cardStorageToken: order.card_storage_token,
      cardHolder: order.card_holder,
      cardNumber: order.card_mask,
    },
    orderHistory: history.map((h) => {
      const { action, description } = describeStoredCode(h.code);
      return { time: new Date(h.occurred_at).toISOString(), action, code: h.code, description };
    }),
  });
}
