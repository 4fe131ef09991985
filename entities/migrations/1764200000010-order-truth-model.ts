import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order truth model (docs/order-lifecycle.md): each history entry records the merchant-visible status after it
 * (alongside the code's own status), and an order keeps the amount its gateway settled apart from the requested one.
 */
export class OrderTruthModel1764200000010 implements MigrationInterface {
  name = 'OrderTruthModel1764200000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_history ADD COLUMN order_status text`);
    await q.query(`ALTER TABLE orders ADD COLUMN settled_amount_minor bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN settled_amount_minor`);
    await q.query(`ALTER TABLE order_history DROP COLUMN order_status`);
  }
}
