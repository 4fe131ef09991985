/**
 * Fixtures for orders outside the API: a merchant with a pipeline routed over sandbox gateways, and what the
 * ledger and history hold for an order. Used by the workflow tests; simulations read the ledger with these too.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Direction } from '../domain/order';
import type { OrderRequisites } from '../domain/requisites';
import type { OrderInput } from '../workflows/definitions';

/** A gateway of the test pipeline, in route order. */
export interface GatewaySpec {
  /** Sandbox settings, e.g. a forced scenario for every payment on this gateway. */
  settings?: Record<string, unknown>;
  enabled?: boolean;
}

/** A merchant with one pipeline and its route, created fresh so tests never share rows. */
export interface OrderSetup {
  merchantId: string;
  pipelineId: string;
  gatewayIds: string[];
  direction: Direction;
  /** An order input for this setup; override what the test cares about. */
  order(overrides?: Partial<OrderInput>): OrderInput;
}

/** Creates merchant, pipeline, sandbox gateways and route, and optionally an opening balance. */
export async function createOrderSetup(
  ds: DataSource,
  opts: { direction: Direction; gateways?: GatewaySpec[]; balanceMinor?: number; currency?: string },
): Promise<OrderSetup> {
  const currency = opts.currency ?? 'USD';
  const [merchant] = (await ds.query(`INSERT INTO merchants (name) VALUES ($1) RETURNING id`, [
    `merchant ${randomUUID()}`,
  ])) as Array<{ id: string }>;
  const merchantId = merchant!.id;
  const [pipeline] = (await ds.query(
    `INSERT INTO pipelines (merchant_id, direction, name) VALUES ($1, $2, 'main') RETURNING id`,
    [merchantId, opts.direction],
  )) as Array<{ id: string }>;
  const pipelineId = pipeline!.id;
  const gatewayIds: string[] = [];
  for (const [position, spec] of (opts.gateways ?? [{}]).entries()) {
    const [gateway] = (await ds.query(
      `INSERT INTO gateways (code, name, connector, mode, settings) VALUES ($1, $2, 'sandbox', 'sandbox', $3) RETURNING id`,
      [`sandbox-${randomUUID()}`, `Sandbox ${position + 1}`, JSON.stringify(spec.settings ?? {})],
    )) as Array<{ id: string }>;
    gatewayIds.push(gateway!.id);
    await ds.query(`INSERT INTO routes (pipeline_id, gateway_id, position, enabled) VALUES ($1, $2, $3, $4)`, [
      pipelineId,
      gateway!.id,
      position + 1,
      spec.enabled ?? true,
    ]);
  }
  if (opts.balanceMinor) {
    await ds.query(
      `INSERT INTO ledger_postings (merchant_id, currency, amount_minor, kind, idempotency_key)
       VALUES ($1, $2, $3, 'test_opening_balance', $4)`,
      [merchantId, currency, opts.balanceMinor, `opening:${merchantId}:${currency}`],
    );
  }
  return {
    merchantId,
    pipelineId,
    gatewayIds,
    direction: opts.direction,
    order: (overrides = {}) => ({
      orderId: randomUUID(),
      merchantId,
      externalTransactionId: `merch-${randomUUID()}`,
      amountMinor: 100_00,
      currency,
      pipelineId,
      mode: 'sandbox',
      method: 'card',
      requisites: {} as OrderRequisites,
      ...overrides,
    }),
  };
}

/** The merchant's balance per currency, from the ledger (minor units). */
export async function balanceOf(ds: DataSource, merchantId: string, currency = 'USD'): Promise<number> {
  const [row] = (await ds.query(
    `SELECT COALESCE(SUM(amount_minor), 0)::text AS total FROM ledger_postings WHERE merchant_id = $1 AND currency = $2`,
    [merchantId, currency],
  )) as Array<{ total: string }>;
  return Number(row!.total);
}

/** Ledger postings of one order, as [kind, amount] pairs in insertion order. */
export async function postingsOf(ds: DataSource, orderId: string): Promise<Array<[string, number]>> {
  const rows = (await ds.query(
    `SELECT kind, amount_minor::text AS amount FROM ledger_postings WHERE order_id = $1 ORDER BY id`,
    [orderId],
  )) as Array<{ kind: string; amount: string }>;
  return rows.map((r) => [r.kind, Number(r.amount)]);
}

/** The order's history as persisted in PostgreSQL: [seq, code, status]. */
export async function persistedHistory(ds: DataSource, orderId: string): Promise<Array<[number, string, string]>> {
  const rows = (await ds.query(`SELECT seq, code, status FROM order_history WHERE order_id = $1 ORDER BY seq`, [
    orderId,
  ])) as Array<{ seq: number; code: string; status: string }>;
  return rows.map((r) => [r.seq, r.code, r.status]);
}
