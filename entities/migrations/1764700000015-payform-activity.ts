import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hosted payment page tells the order when the payer starts typing card details (3.0.1.53) and when they leave
 * the page without paying (3.0.1.52): a kind of unauthenticated traffic of its own, with a budget apart from visits
 * and submissions (issue 15).
 */
export class PayformActivity1764700000015 implements MigrationInterface {
  name = 'PayformActivity1764700000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE unauthenticated_traffic DROP CONSTRAINT unauthenticated_traffic_kind_check,
        ADD CONSTRAINT unauthenticated_traffic_kind_check
          CHECK (kind IN ('refused-callback', 'payform-visit', 'payform-submit', 'payform-refused', 'payform-activity'))
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM unauthenticated_traffic WHERE kind = 'payform-activity'`);
    await q.query(`
      ALTER TABLE unauthenticated_traffic DROP CONSTRAINT unauthenticated_traffic_kind_check,
        ADD CONSTRAINT unauthenticated_traffic_kind_check
          CHECK (kind IN ('refused-callback', 'payform-visit', 'payform-submit', 'payform-refused'))
    `);
  }
}
