import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operators' order list filters by gateway, amount and history code (docs/web-app.md). A gateway's orders page
 * by (gateway_id, created_at, id) like a merchant's; a narrow amount range (an operator looking for "the 123.45
 * payment") finds its orders by (amount_minor, created_at, id) and a history code by (code, order_id), so a rare
 * value does not make the list walk every order to fill a page.
 */
export class OrderListFilters1764800000000 implements MigrationInterface {
  name = 'OrderListFilters1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX orders_gateway_created ON orders (gateway_id, created_at, id)`);
    await q.query(`CREATE INDEX orders_amount_created ON orders (amount_minor, created_at, id)`);
    await q.query(`CREATE INDEX order_history_code ON order_history (code, order_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX order_history_code`);
    await q.query(`DROP INDEX orders_amount_created`);
    await q.query(`DROP INDEX orders_gateway_created`);
  }
}
