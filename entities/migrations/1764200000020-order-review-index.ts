import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators list orders in reconciliation (1.0.2.75) or flagged for review (1.0.3.78, 1.0.4.78) across merchants
 * (GET /api/v1/admin/orders?reconciliation=…): a partial index holds only those few entries, so the list does not
 * scan every history entry.
 */
export class OrderReviewIndex1764200000020 implements MigrationInterface {
  name = 'OrderReviewIndex1764200000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX order_history_reconciliation ON order_history (code, order_id)
        WHERE code IN ('1.0.2.75', '1.0.3.78', '1.0.4.78')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX order_history_reconciliation`);
  }
}
