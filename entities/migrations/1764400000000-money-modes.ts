import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sandbox and live money apart (issue 20): every ledger posting and every payout hold belongs to one mode, and a
 * balance is the sum of one merchant's postings of one mode and currency. Sandbox money is free to make, so it must
 * never pay a live payout.
 *
 * Existing rows take the mode of their order. Orders made before orders had a mode take their gateway's mode
 * (routing only ever sent an order to gateways of its key's mode), else sandbox. Postings without an order (opening
 * balances, adjustments) are live only when the merchant has live keys and no sandbox key; kinds named
 * `sandbox_…` are always sandbox. New postings without a mode (hand-made opening balances) default to sandbox: the
 * safe side, since live money must be put on a ledger on purpose.
 */
export class MoneyModes1764400000000 implements MigrationInterface {
  name = 'MoneyModes1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE orders o SET mode = coalesce((SELECT g.mode FROM gateways g WHERE g.id = o.gateway_id), 'sandbox')
       WHERE o.mode IS NULL;

      ALTER TABLE ledger_postings ADD COLUMN mode text;
      UPDATE ledger_postings p SET mode = o.mode FROM orders o WHERE o.id = p.order_id;
      UPDATE ledger_postings p SET mode = CASE
          WHEN p.kind LIKE 'sandbox%' THEN 'sandbox'
          WHEN EXISTS (SELECT 1 FROM api_keys k WHERE k.merchant_id = p.merchant_id AND k.mode = 'live')
           AND NOT EXISTS (SELECT 1 FROM api_keys k WHERE k.merchant_id = p.merchant_id AND k.mode = 'sandbox')
            THEN 'live'
          ELSE 'sandbox' END
       WHERE p.mode IS NULL;
      ALTER TABLE ledger_postings ALTER COLUMN mode SET DEFAULT 'sandbox', ALTER COLUMN mode SET NOT NULL,
        ADD CONSTRAINT ledger_postings_mode CHECK (mode IN ('sandbox', 'live'));
      DROP INDEX ledger_postings_balance;
      CREATE INDEX ledger_postings_balance ON ledger_postings (merchant_id, mode, currency);

      ALTER TABLE balance_holds ADD COLUMN mode text;
      UPDATE balance_holds h SET mode = coalesce(o.mode, 'sandbox') FROM orders o WHERE o.id = h.order_id;
      ALTER TABLE balance_holds ALTER COLUMN mode SET NOT NULL,
        ADD CONSTRAINT balance_holds_mode CHECK (mode IN ('sandbox', 'live'));
      DROP INDEX balance_holds_held;
      CREATE INDEX balance_holds_held ON balance_holds (merchant_id, mode, currency) WHERE status = 'held';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX balance_holds_held;
      ALTER TABLE balance_holds DROP COLUMN mode;
      CREATE INDEX balance_holds_held ON balance_holds (merchant_id, currency) WHERE status = 'held';
      DROP INDEX ledger_postings_balance;
      ALTER TABLE ledger_postings DROP COLUMN mode;
      CREATE INDEX ledger_postings_balance ON ledger_postings (merchant_id, currency);
    `);
  }
}
