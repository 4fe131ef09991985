import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Which gateway each history entry is about, so operators see an order's attempts gateway by gateway. */
export class OrderHistoryGateway1764000000001 implements MigrationInterface {
  name = 'OrderHistoryGateway1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_history ADD COLUMN gateway_id uuid REFERENCES gateways (id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_history DROP COLUMN gateway_id`);
  }
}
