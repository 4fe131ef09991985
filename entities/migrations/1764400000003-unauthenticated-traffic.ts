import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What unauthenticated requests (refused gateway callbacks, payment-page visits and submissions) did to each order,
 * counted by the API before it signals the order's workflow: past a small budget per order and kind, the
 * workflow hears nothing more and this row is the summary (issue 20).
 */
export class UnauthenticatedTraffic1764400000003 implements MigrationInterface {
  name = 'UnauthenticatedTraffic1764400000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE unauthenticated_traffic (
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('refused-callback', 'payform-visit', 'payform-submit')),
        count int NOT NULL CHECK (count > 0),
        first_at timestamptz NOT NULL DEFAULT now(),
        last_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (order_id, kind)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unauthenticated_traffic`);
  }
}
