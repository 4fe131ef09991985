/**
 * Worlds for orders outside the API: a merchant with a pipeline routed over sandbox gateways, and what the ledger
 * holds for an order. Shared by the simulator, the fuzz run and the workflow tests (test-only helpers live in
 * test/helpers/).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertPosting } from '../data/ledger';
import type { Direction } from '../domain/order';
import { GatewayEntity } from '../entities/gateway.entity';
import { MerchantEntity } from '../entities/merchant.entity';
import { PipelineEntity } from '../entities/pipeline.entity';
import { RouteEntity } from '../entities/route.entity';
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
  // Saved through the entities, like the tests' merchant fixtures (test/helpers/merchants.ts).
  const merchantId = (await ds.getRepository(MerchantEntity).save({ name: `merchant ${randomUUID()}` })).id;
  const pipelineId = (
    await ds.getRepository(PipelineEntity).save({ merchantId, direction: opts.direction, name: 'main' })
  ).id;
  const gatewayIds: string[] = [];
  for (const [position, spec] of (opts.gateways ?? [{}]).entries()) {
    const gateway = await ds.getRepository(GatewayEntity).save({
      code: `sandbox-${randomUUID()}`,
      name: `Sandbox ${position + 1}`,
      connector: 'sandbox',
      mode: 'sandbox',
      settings: spec.settings ?? {},
    });
    gatewayIds.push(gateway.id);
    await ds
      .getRepository(RouteEntity)
      .save({ pipelineId, gatewayId: gateway.id, position: position + 1, enabled: spec.enabled ?? true });
  }
  if (opts.balanceMinor) {
    // Through the ledger's owner, so the running balance moves with the posting.
    await insertPosting(ds, {
      merchantId,
      mode: 'sandbox',
      currency,
      amountMinor: opts.balanceMinor,
      kind: 'test_opening_balance',
      orderId: null,
      idempotencyKey: `opening:${merchantId}:${currency}`,
    });
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
