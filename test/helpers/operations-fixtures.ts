import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Direction, KeyMode, OrderStatus } from '../../domain/order';

/** A fresh merchant, so operations tests never see each other's rows. */
export async function createMerchant(ds: DataSource): Promise<string> {
  const [row]: Array<{ id: string }> = await ds.query(`INSERT INTO merchants (name) VALUES ($1) RETURNING id`, [
    `ops test merchant ${randomUUID()}`,
  ]);
  return row!.id;
}

/** A pipeline of the merchant for one direction. */
export async function createPipeline(ds: DataSource, merchantId: string, direction: Direction): Promise<string> {
  const [row]: Array<{ id: string }> = await ds.query(
    `INSERT INTO pipelines (merchant_id, direction, name) VALUES ($1, $2, $3) RETURNING id`,
    [merchantId, direction, `pipeline ${randomUUID()}`],
  );
  return row!.id;
}

/** A gateway (gateways are global, so the code is unique per call); live ones use a connector allowed for live. */
export async function createGateway(
  ds: DataSource,
  mode: KeyMode,
  name = `gw ${randomUUID()}`,
  connector = mode === 'live' ? 'http-sim' : 'sandbox',
): Promise<string> {
  const [row]: Array<{ id: string }> = await ds.query(
    `INSERT INTO gateways (code, name, connector, mode) VALUES ($1, $2, $3, $4) RETURNING id`,
    [`test-${randomUUID()}`, name, connector, mode],
  );
  return row!.id;
}

/** An order row as the order-recording activity would write it, with an explicit creation time if given. */
export async function insertOrder(
  ds: DataSource,
  o: {
    merchantId: string;
    pipelineId?: string | null;
    direction: Direction;
    amountMinor: number;
    currency?: string;
    status?: OrderStatus;
    createdAt?: string;
    mode?: KeyMode;
  },
): Promise<string> {
  const id = randomUUID();
  await ds.query(
    `INSERT INTO orders (id, merchant_id, pipeline_id, direction, external_transaction_id, amount_minor, currency,
                         status, workflow_id, created_at, mode)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::timestamptz, now()), $11)`,
    [
      id,
      o.merchantId,
      o.pipelineId ?? null,
      o.direction,
      `ext-${id}`,
      o.amountMinor,
      o.currency ?? 'USD',
      o.status ?? 'Created',
      `${o.direction}-${id}`,
      o.createdAt ?? null,
      o.mode ?? null,
    ],
  );
  return id;
}

/** Puts money on a merchant's ledger (an opening balance, not tied to an order), sandbox unless said. */
export async function fundMerchant(
  ds: DataSource,
  merchantId: string,
  currency: string,
  amountMinor: number | bigint,
  mode: KeyMode = 'sandbox',
) {
  await ds.query(
    `INSERT INTO ledger_postings (merchant_id, mode, currency, amount_minor, kind, order_id, idempotency_key)
     VALUES ($1, $2, $3, $4, 'adjustment', NULL, $5)`,
    [merchantId, mode, currency, String(amountMinor), `test-funding:${randomUUID()}`],
  );
}

/** The merchant's ledger postings, oldest first. */
export async function postingsOf(ds: DataSource, merchantId: string) {
  const rows: Array<{ kind: string; amount_minor: string; idempotency_key: string; order_id: string | null }> =
    await ds.query(
      `SELECT kind, amount_minor, idempotency_key, order_id FROM ledger_postings WHERE merchant_id = $1 ORDER BY id`,
      [merchantId],
    );
  return rows.map((r) => ({ ...r, amount_minor: Number(r.amount_minor) }));
}
