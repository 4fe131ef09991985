import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Card details the hosted payment page refused are a kind of unauthenticated traffic of their own (issue 15): they
 * reach the order's history within a budget apart from submissions, so a payer who mistypes can still pay.
 */
export class PayformRefusals1764500000015 implements MigrationInterface {
  name = 'PayformRefusals1764500000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE unauthenticated_traffic DROP CONSTRAINT unauthenticated_traffic_kind_check,
        ADD CONSTRAINT unauthenticated_traffic_kind_check
          CHECK (kind IN ('refused-callback', 'payform-visit', 'payform-submit', 'payform-refused'))
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM unauthenticated_traffic WHERE kind = 'payform-refused'`);
    await q.query(`
      ALTER TABLE unauthenticated_traffic DROP CONSTRAINT unauthenticated_traffic_kind_check,
        ADD CONSTRAINT unauthenticated_traffic_kind_check
          CHECK (kind IN ('refused-callback', 'payform-visit', 'payform-submit'))
    `);
  }
}
