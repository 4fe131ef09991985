import type { DataSource } from 'typeorm';
import { CODES, type HistoryCode } from '../domain/history-codes';
import { orderStatusOf } from '../domain/history-status';
import type { Direction, KeyMode, OrderStatus } from '../domain/order';
import type { PaymentMethod } from '../domain/requisites';
import type { CallbackOrder } from '../gateways/amount-claims';
import type { OrderHistoryEntry, OrderRowUpdate, OrderSnapshot } from '../workflows/definitions';
import type { OrderEntity } from '../entities/order.entity';
import type { RowOf } from '../entities/rows';
import { mostSpecificCommissionSql } from './commissions';
import type { Queryable } from './ledger';
import { maskCardHolder } from '../infra/security/card-fingerprint';

/**
 * The name on a card is personal data: the row keeps it masked whoever writes it (an order's create, a payment page
 * submit, a workflow that still carries a whole name from before masking at the page). The vault keeps it whole.
 */
const maskedHolder = (name: string | null): string | null => (name === null ? null : maskCardHolder(name));
/**
 * The order store: the one module that writes `orders`, `order_history` and `order_gateway_refs`
 * (docs/data-ownership.md). An order's row is the projection of its history, and each history entry writes both in
 * one statement, so the three tables have one owner. The API (order creation, the payment page, late gateway
 * callbacks) and the activities (the workflow's history entries) both write through it.
 */

export const ORDER_INPUT_COLUMNS =
  'id, merchant_id, direction, external_transaction_id, amount_minor, currency, pipeline_id, mode, method, ' +
  'requisites, callback_url, flow';

/** The order row's columns a workflow's input is rebuilt from (requisites sealed, or in clear from before the vault). */
export type OrderInputRow = RowOf<
  OrderEntity,
  | 'id'
  | 'merchantId'
  | 'direction'
  | 'externalTransactionId'
  | 'amountMinor'
  | 'currency'
  | 'pipelineId'
  | 'mode'
  | 'method'
  | 'requisites'
  | 'callbackUrl'
  | 'flow',
  'amountMinor'
>;

/** An order as the create endpoint reads it back: the workflow's input, its status, the request's fingerprint. */
export type StoredOrder = OrderInputRow & RowOf<OrderEntity, 'status' | 'requestHash' | 'cardStorageToken'>;
const STORED_ORDER_COLUMNS = `${ORDER_INPUT_COLUMNS}, status, request_hash, card_storage_token`;

/** A merchant's new order, as the API accepted it (no card number: only its mask; the payer's data sealed). */
export interface NewOrder {
  id: string;
  merchantId: string;
  direction: Direction;
  externalTransactionId: string;
  amountMinor: number;
  currency: string;
  workflowId: string;
  requestHash: string;
  method: PaymentMethod;
  flow: 'h2h' | 'h2c';
  cardMask: string | null;
  cardHolder: string | null;
  cardToken: string | null;
  cardStorageToken: string | null;
  callbackUrl: string | null;
  processingRedirectUrl: string | null;
  failedRedirectUrl: string | null;
  successRedirectUrl: string | null;
  mode: KeyMode;
  /** The key's pipeline; NULL: the merchant's oldest pipeline of the direction. */
  keyPipelineId: string | null;
  /** The payer's requisites, sealed under the keyring (secrets at rest). */
  sealedRequisites: string;
}

/**
 * Inserts the order in Created, or nothing when the merchant used its externalTransactionId before (the unique key
 * decides races) or has no pipeline of the direction: then `undefined`. One statement: the key's pipeline (or the
 * merchant's oldest of the direction), and the commission in force now, which is the order's price (0 when none
 * applies) — later changes do not reprice it.
 */
export async function insertOrder(db: Queryable, o: NewOrder): Promise<StoredOrder | undefined> {
  const inserted: StoredOrder[] = await db.query(
    `INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                         workflow_id, pipeline_id, request_hash, method, flow, card_mask, card_holder, card_token,
                         card_storage_token, callback_url, processing_redirect_url, failed_redirect_url,
                         success_redirect_url, mode, commission_percent, commission_fixed_minor, requisites)
     SELECT $1::uuid, $2::uuid, $3::text, $4::text, $5::bigint, $6::text, 'Created', $7::text, p.id, $8::text,
            $9::text, $10::text, $11::text, $12::text, $13::text, $14::text, $15::text, $16::text, $17::text,
            $18::text, $19::text, coalesce(c.percent, 0), coalesce(c.fixed_minor, 0), $21::jsonb
       FROM (SELECT id FROM pipelines
              WHERE merchant_id = $2::uuid AND direction = $3::text AND ($20::uuid IS NULL OR id = $20::uuid)
              ORDER BY created_at, id LIMIT 1) p
       LEFT JOIN LATERAL (${mostSpecificCommissionSql('$2::uuid', '$3::text', 'p.id', '$6::text')}) c ON true
     ON CONFLICT (merchant_id, direction, external_transaction_id) DO NOTHING
     RETURNING ${STORED_ORDER_COLUMNS}`,
    [
      o.id,
      o.merchantId,
      o.direction,
      o.externalTransactionId,
      o.amountMinor,
      o.currency,
      o.workflowId,
      o.requestHash,
      o.method,
      o.flow,
      o.cardMask,
      maskedHolder(o.cardHolder),
      o.cardToken,
      o.cardStorageToken,
      o.callbackUrl,
      o.processingRedirectUrl,
      o.failedRedirectUrl,
      o.successRedirectUrl,
      o.mode,
      o.keyPipelineId,
      JSON.stringify(o.sealedRequisites),
    ],
  );
  return inserted[0];
}

type OrderMoneyRow = RowOf<
  OrderEntity,
  'id' | 'workflowId' | 'direction' | 'amountMinor' | 'currency' | 'method',
  'amountMinor'
>;
const ORDER_MONEY_COLUMNS = 'o.id, o.workflow_id, o.direction, o.amount_minor, o.currency, o.method';

/** An order's money, which what a gateway says about it is checked against (gateways/amount-claims.ts). */
export interface OrderMoney {
  orderId: string;
  workflowId: string;
  money: CallbackOrder;
}

const orderMoneyOf = (row: OrderMoneyRow | undefined): OrderMoney | undefined =>
  row && {
    orderId: row.id,
    workflowId: row.workflow_id,
    money: {
      direction: row.direction,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      method: row.method,
    },
  };

/** The money of an order by its id. */
export async function findOrderMoney(db: Queryable, orderId: string): Promise<OrderMoney | undefined> {
  const rows: OrderMoneyRow[] = await db.query(`SELECT ${ORDER_MONEY_COLUMNS} FROM orders o WHERE o.id = $1`, [
    orderId,
  ]);
  return orderMoneyOf(rows[0]);
}

/** The money of the order a gateway knows by this reference. */
export async function findOrderMoneyByGatewayRef(
  db: Queryable,
  gatewayId: string,
  gatewayRef: string,
): Promise<OrderMoney | undefined> {
  const rows: OrderMoneyRow[] = await db.query(
    `SELECT ${ORDER_MONEY_COLUMNS} FROM order_gateway_refs r JOIN orders o ON o.id = r.order_id
      WHERE r.gateway_id = $1 AND r.gateway_ref = $2`,
    [gatewayId, gatewayRef],
  );
  return orderMoneyOf(rows[0]);
}

/** The merchant's order of this direction and externalTransactionId, if there is one. */
export async function findOrder(
  db: Queryable,
  merchantId: string,
  direction: Direction,
  externalTransactionId: string,
): Promise<StoredOrder | undefined> {
  const rows: StoredOrder[] = await db.query(
    `SELECT ${STORED_ORDER_COLUMNS} FROM orders
     WHERE merchant_id = $1 AND direction = $2 AND external_transaction_id = $3`,
    [merchantId, direction, externalTransactionId],
  );
  return rows[0];
}

/**
 * Keeps the first saved-card token of an order: returns the token the order has now, which is `token` unless a
 * concurrent retry stored its own first.
 */
export async function keepCardStorageToken(db: Queryable, orderId: string, token: string): Promise<string> {
  const [kept] = (await db.query(
    `UPDATE orders SET card_storage_token = COALESCE(card_storage_token, $2) WHERE id = $1
     RETURNING card_storage_token`,
    [orderId, token],
  )) as [Array<{ card_storage_token: string }>, number];
  return kept[0]?.card_storage_token ?? token;
}

/**
 * Records the first card submitted on an order's payment page (an order of the previous release, whose workflow
 * does not write it): with the order row locked, `beforeWrite` runs (it signals the workflow), then the card's mask
 * and holder are written. False, with nothing run, when the order is unknown or already has a card: concurrent
 * submits are serialised by the lock and only the first one counts.
 */
export async function recordFirstCard(
  dataSource: DataSource,
  orderId: string,
  card: { cardMask: string; cardHolder: string | null },
  beforeWrite: () => Promise<void>,
): Promise<boolean> {
  return dataSource.transaction(async (tx) => {
    const [row]: Array<RowOf<OrderEntity, 'cardMask'>> = await tx.query(
      `SELECT card_mask FROM orders WHERE id = $1 FOR UPDATE`,
      [orderId],
    );
    if (!row || row.card_mask) return false;
    await beforeWrite();
    await tx.query(`UPDATE orders SET card_mask = $2, card_holder = COALESCE($3, card_holder) WHERE id = $1`, [
      orderId,
      card.cardMask,
      maskedHolder(card.cardHolder),
    ]);
    return true;
  });
}

/**
 * Writes one history entry and the order's current status to PostgreSQL, so both can be read after the
 * workflow closed and with no worker running. Idempotent: (order_id, seq) is unique, and the order row is
 * created on the first entry if the API has not created it already.
 *
 * One statement, so one round trip and no explicit transaction (a statement is atomic): this runs for every
 * history entry of every order, and BEGIN, COMMIT and a separate UPDATE were most of its round trips
 * (docs/benchmarks.md). The order row is updated only when the entry is new, so a retried older entry never
 * moves the status back. A row this statement inserts already carries the entry's status and gateway: the UPDATE
 * sees the rows as they were before the statement, so it leaves that row alone.
 */
export async function recordOrderEvent(
  db: Queryable,
  order: OrderSnapshot,
  entry: OrderHistoryEntry,
  row: OrderRowUpdate = {},
): Promise<void> {
  const gatewayId = entry.gatewayId ?? null;
  // The order's status is its lifecycle status; histories from before the truth model carry only the code's.
  const orderStatus = entry.orderStatus ?? entry.status;
  await db.query(
    `WITH new_order AS (
           INSERT INTO orders (id, merchant_id, direction, external_transaction_id, amount_minor, currency, status,
                               workflow_id, pipeline_id, gateway_id)
           SELECT $1::uuid, $2::uuid, $3::text, $4::text, $5::bigint, $6::char(3), $16::text, $8::text, $9::uuid,
                  $12::uuid
            WHERE $10::int = 1
           ON CONFLICT (id) DO NOTHING
         ), entry AS (
           INSERT INTO order_history (order_id, seq, code, status, order_status, occurred_at, details, gateway_id)
           VALUES ($1::uuid, $10::int, $11::text, $7::text, $16::text, $14::timestamptz, $15::jsonb, $12::uuid)
           ON CONFLICT (order_id, seq) DO NOTHING RETURNING id
         ), gateway_ref AS (
           INSERT INTO order_gateway_refs (gateway_id, gateway_ref, order_id)
           SELECT $12::uuid, $13::text, $1::uuid WHERE $12::uuid IS NOT NULL AND $13::text IS NOT NULL
           ON CONFLICT (gateway_id, gateway_ref) DO NOTHING
         )
         UPDATE orders SET status = $16::text, gateway_id = COALESCE($12::uuid, gateway_id),
                card_mask = COALESCE($17::text, card_mask), card_holder = COALESCE($18::text, card_holder),
                settled_amount_minor = COALESCE($19::bigint, settled_amount_minor), updated_at = now()
          WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM entry)`,
    [
      order.orderId,
      order.merchantId,
      order.direction,
      order.externalTransactionId,
      order.amountMinor,
      order.currency,
      entry.status,
      order.workflowId,
      order.pipelineId,
      entry.seq,
      entry.code,
      gatewayId,
      gatewayId && entry.gatewayRef ? entry.gatewayRef : null,
      entry.at,
      JSON.stringify(entry.details ?? {}),
      orderStatus,
      row.cardMask ?? null,
      maskedHolder(row.cardHolder ?? null),
      row.settledAmountMinor ?? null,
    ],
  );
}

/** A verified gateway callback that reached an order whose workflow has closed. */
export interface LateGatewayCallback {
  orderId: string;
  gatewayId: string;
  gatewayRef: string;
  /** The callback's own code (5.1.3.00, 5.1.4.00, …). */
  code: HistoryCode;
  outcome: 'pending' | 'success' | 'failed';
}

/** What {@link recordLateGatewayCallback} did: the late entry's seq, and the review code appended after it. */
export interface LateCallbackRecord {
  seq: number;
  /** 1.0.4.78 (success on a failed order) or 1.0.3.78 (a second success), when the order was flagged. */
  review: HistoryCode | null;
  /** The same callback was already recorded (a gateway retrying): nothing was appended this time. */
  repeated: boolean;
}

/**
 * Appends a late gateway callback to the history of an order whose workflow has closed (so no workflow writes it any
 * more), with the next seq and details `{ late: true }`. A success for an order that ended Failed, or a success from
 * a gateway other than the one that paid a successful order, is a payment the order's final status does not
 * account for: the order is flagged for operations with 1.0.4.78 / 1.0.3.78 after it. Neither the order's status
 * nor its money changes here: correcting the ledger is an operator's decision (docs/gateway-callbacks.md).
 *
 * One transaction holding the order row's lock, so concurrent callbacks take consecutive seqs; the same callback
 * again (same code, gateway and reference) appends nothing.
 */
export async function recordLateGatewayCallback(
  dataSource: DataSource,
  callback: LateGatewayCallback,
): Promise<LateCallbackRecord> {
  return dataSource.transaction(async (tx) => {
    const [order]: Array<{ status: OrderStatus }> = await tx.query(
      `SELECT status FROM orders WHERE id = $1 FOR UPDATE`,
      [callback.orderId],
    );
    if (!order) throw new Error(`no order ${callback.orderId}`);
    const [seen]: Array<{ seq: number }> = await tx.query(
      `SELECT seq FROM order_history
        WHERE order_id = $1 AND code = $2 AND gateway_id = $3 AND details->>'late' = 'true'
          AND details->>'gatewayRef' = $4 LIMIT 1`,
      [callback.orderId, callback.code, callback.gatewayId, callback.gatewayRef],
    );
    if (seen) return { seq: seen.seq, review: null, repeated: true };
    const [facts]: Array<{ last_seq: number; paid_here: boolean }> = await tx.query(
      `SELECT COALESCE(max(seq), 0)::int AS last_seq,
              COALESCE(bool_or(status = 'Success' AND gateway_id = $2 AND NOT details ? 'late'), false) AS paid_here
         FROM order_history WHERE order_id = $1`,
      [callback.orderId, callback.gatewayId],
    );
    const review: HistoryCode | null =
      callback.outcome !== 'success'
        ? null
        : order.status === 'Failed'
          ? CODES.REVIEW_LATE_SUCCESS
          : order.status === 'Success' && !facts!.paid_here
            ? CODES.REVIEW_SECOND_SUCCESS
            : null;
    const entries: Array<{ code: HistoryCode; details: Record<string, string | boolean> }> = [
      { code: callback.code, details: { late: true, gatewayRef: callback.gatewayRef } },
      ...(review ? [{ code: review, details: { late: true, gatewayRef: callback.gatewayRef } }] : []),
    ];
    const seq = facts!.last_seq + 1;
    for (const [i, entry] of entries.entries()) {
      await tx.query(
        `INSERT INTO order_history (order_id, seq, code, status, order_status, occurred_at, details, gateway_id)
         VALUES ($1, $2, $3, $4, $5, now(), $6, $7)`,
        [
          callback.orderId,
          seq + i,
          entry.code,
          orderStatusOf(entry.code),
          order.status,
          JSON.stringify(entry.details),
          callback.gatewayId,
        ],
      );
    }
    return { seq, review, repeated: false };
  });
}
