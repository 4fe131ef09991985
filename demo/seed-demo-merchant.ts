import type { DataSource } from 'typeorm';
import { insertPosting } from '../data/ledger';
import { type Currency, toMinorUnits } from '../domain/money';
import { hashApiKey, keyPrefix } from '../infra/security/api-keys';

/** Fixed ids so that every start finds the same demo merchant and gateways. */
export const DEMO_MERCHANT_ID = '00000000-0000-4000-8000-000000000001';
export const DEMO_GATEWAYS = [
  { id: '00000000-0000-4000-8000-0000000000a1', code: 'sandbox-deposit', name: 'Sandbox deposits' },
  { id: '00000000-0000-4000-8000-0000000000a2', code: 'sandbox-payout', name: 'Sandbox payouts' },
] as const;
/** One pipeline per direction, each routed over its sandbox gateway. */
export const DEMO_PIPELINES = [
  { id: '00000000-0000-4000-8000-0000000000b1', direction: 'deposit', gatewayId: DEMO_GATEWAYS[0].id },
  { id: '00000000-0000-4000-8000-0000000000b2', direction: 'payout', gatewayId: DEMO_GATEWAYS[1].id },
] as const;
/** The sandbox balance the demo merchant starts with, per currency, in major units. */
export const DEMO_OPENING_BALANCES: ReadonlyArray<[Currency, string]> = [
  ['USD', '10000.00'],
  ['EUR', '5000.00'],
  // PayStar's own payout example is in RUB: enough for it to succeed as printed.
  ['RUB', '100000.00'],
];

/**
 * Creates (or completes) the demo merchant: sandbox deposit and payout keys, sandbox gateways, a pipeline per
 * direction routed over them, and an opening sandbox balance. Idempotent, so it runs on every `npm start`.
 */
export async function seedDemoMerchant(dataSource: DataSource, keys: { depositKey: string; payoutKey: string }) {
  await dataSource.transaction(async (tx) => {
    await tx.query(`INSERT INTO merchants (id, name) VALUES ($1, 'Demo Merchant') ON CONFLICT (id) DO NOTHING`, [
      DEMO_MERCHANT_ID,
    ]);
    for (const g of DEMO_GATEWAYS) {
      await tx.query(
        `INSERT INTO gateways (id, code, name, connector, mode) VALUES ($1, $2, $3, 'sandbox', 'sandbox')
         ON CONFLICT (id) DO NOTHING`,
        [g.id, g.code, g.name],
      );
    }
    for (const p of DEMO_PIPELINES) {
      await tx.query(
        `INSERT INTO pipelines (id, merchant_id, direction, name) VALUES ($1, $2, $3, 'Sandbox')
         ON CONFLICT (id) DO NOTHING`,
        [p.id, DEMO_MERCHANT_ID, p.direction],
      );
      await tx.query(
        `INSERT INTO routes (pipeline_id, gateway_id, position) SELECT $1, $2, 1
         WHERE NOT EXISTS (SELECT 1 FROM routes WHERE pipeline_id = $1)`,
        [p.id, p.gatewayId],
      );
    }
    for (const [scope, key] of [
      ['deposit', keys.depositKey],
      ['payout', keys.payoutKey],
    ] as const) {
      await tx.query(
        `INSERT INTO api_keys (merchant_id, scope, mode, key_prefix, key_hash) VALUES ($1, $2, 'sandbox', $3, $4)
         ON CONFLICT (key_hash) DO NOTHING`,
        [DEMO_MERCHANT_ID, scope, keyPrefix(key), hashApiKey(key)],
      );
    }
    for (const [currency, amount] of DEMO_OPENING_BALANCES) {
      // Through the ledger's owner: once per key, and the running balance moves with it.
      await insertPosting(tx, {
        merchantId: DEMO_MERCHANT_ID,
        mode: 'sandbox',
        currency,
        amountMinor: toMinorUnits(amount, currency),
        kind: 'sandbox_opening_balance',
        orderId: null,
        idempotencyKey: `demo:opening-balance:${currency}`,
      });
    }
  });
}
