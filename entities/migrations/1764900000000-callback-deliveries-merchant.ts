import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The merchant cabinet's callback list (docs/web-app.md) pages one merchant's delivery attempts newest first. It
 * joined the merchant's orders and sorted all their attempts for each page (about 200 ms at 600,000 rows,
 * `npm run bench:callback-list`); with the
 * merchant on the row (written by the callback activity, which has it) a page is a walk of the index
 * (merchant_id, attempted_at, id). Existing rows take their order's merchant.
 */
export class CallbackDeliveriesMerchant1764900000000 implements MigrationInterface {
  name = 'CallbackDeliveriesMerchant1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE merchant_callback_deliveries ADD COLUMN merchant_id uuid;
      UPDATE merchant_callback_deliveries d SET merchant_id = o.merchant_id FROM orders o WHERE o.id = d.order_id;
      ALTER TABLE merchant_callback_deliveries ALTER COLUMN merchant_id SET NOT NULL,
        ADD CONSTRAINT merchant_callback_deliveries_merchant_id_fkey FOREIGN KEY (merchant_id) REFERENCES merchants (id);
      CREATE INDEX merchant_callback_deliveries_merchant
        ON merchant_callback_deliveries (merchant_id, attempted_at, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // The index and the foreign key go with the column.
    await q.query(`ALTER TABLE merchant_callback_deliveries DROP COLUMN merchant_id`);
  }
}
