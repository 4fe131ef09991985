import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order lists of the back office and the merchant cabinet (issue 16) page by keyset, newest first: across
 * merchants by (created_at, id), one merchant's by (merchant_id, created_at, id). A page deep in a million orders
 * then reads only its own rows.
 */
export class OrderListIndexes1764700000050 implements MigrationInterface {
  name = 'OrderListIndexes1764700000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX orders_created ON orders (created_at, id)`);
    await q.query(`CREATE INDEX orders_merchant_created ON orders (merchant_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_merchant_created`);
    await q.query(`DROP INDEX orders_created`);
  }
}
