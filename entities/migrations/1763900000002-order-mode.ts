import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Whether an order was made with a sandbox or a live key: the hosted payment form checks live cards harder. */
export class OrderMode1763900000002 implements MigrationInterface {
  name = 'OrderMode1763900000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN mode text CHECK (mode IN ('sandbox', 'live'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN mode`);
  }
}
