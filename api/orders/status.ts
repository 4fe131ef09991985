import { isUuid } from '../../domain/ids';
import type { DataSource } from 'typeorm';
import { describeStoredCode } from '../../domain/history-codes';
import { isCurrency, toMajorUnits } from '../../domain/money';
import type { Direction } from '../../domain/order';
import { HttpError } from '../errors';
import { OrderStatusResponse } from './schemas';
import type { z } from 'zod';
import type { OrderEntity } from '../../entities/order.entity';
import type { RowOf } from '../../entities/rows';

/** How the status endpoints find an order: by the engine's id or by the merchant's. */
export type OrderLookup = { by: 'externalId'; value: string } | { by: 'externalTransactionId'; value: string };

type StatusRow = RowOf<
  OrderEntity,
  | 'id'
  | 'status'
  | 'amountMinor'
  | 'currency'
  | 'externalTransactionId'
  | 'cardMask'
  | 'cardHolder'
  | 'cardToken'
  | 'cardStorageToken',
  'amountMinor'
> & {
  /** The order's history, oldest first (json_agg: times as ISO strings). */
  history: Array<{ code: string; occurred_at: string }>;
};

/**
 * The status read's one statement ($1 merchant, $2 direction, $3 the id looked up): the order by its primary key or by
 * the unique (merchant_id, direction, external_transaction_id), its history by the unique (order_id, seq).
 */
export function statusQuery(by: OrderLookup['by']): string {
  const column = by === 'externalId' ? 'id' : 'external_transaction_id';
  return `SELECT o.id, o.status, COALESCE(o.settled_amount_minor, o.amount_minor)::text AS amount_minor, o.currency, o.external_transaction_id, o.card_mask,
            o.card_holder, o.card_token, o.card_storage_token,
            coalesce((SELECT json_agg(json_build_object('code', h.code, 'occurred_at', h.occurred_at) ORDER BY h.seq)
                        FROM order_history h WHERE h.order_id = o.id), '[]') AS history
     FROM orders o WHERE o.merchant_id = $1 AND o.direction = $2 AND o.${column} = $3`;
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
  // The order and its history in one round trip: merchants poll this endpoint more than any other.
  const rows: StatusRow[] = await dataSource.query(statusQuery(lookup.by), [merchantId, direction, lookup.value]);
  const order = rows[0];
  if (!order) throw notFound();
  const history = order.history;
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
