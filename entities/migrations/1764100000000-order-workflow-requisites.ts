import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an order's workflow needs and the order row did not keep: the payer's requisites (card fingerprint and
 * mask, email, ip, phone, payeer identifier; never a card number). With them the row alone rebuilds the workflow's
 * input, so an order whose workflow never started (the API died in between) can be started later. The partial
 * index serves the search for such orders: recent rows still in Created.
 */
export class OrderWorkflowRequisites1764100000000 implements MigrationInterface {
  name = 'OrderWorkflowRequisites1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN requisites jsonb`);
    await q.query(`CREATE INDEX orders_still_created ON orders (created_at) WHERE status = 'Created'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_still_created`);
    await q.query(`ALTER TABLE orders DROP COLUMN requisites`);
  }
}
