import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Which order a gateway's payment reference belongs to, so an inbound gateway callback finds its order. */
export class OrderGatewayRefs1763900000000 implements MigrationInterface {
  name = 'OrderGatewayRefs1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE order_gateway_refs (
        gateway_id uuid NOT NULL REFERENCES gateways(id),
        gateway_ref text NOT NULL,
        order_id uuid NOT NULL REFERENCES orders(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (gateway_id, gateway_ref)
      );
      CREATE INDEX order_gateway_refs_order ON order_gateway_refs (order_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE order_gateway_refs`);
  }
}
