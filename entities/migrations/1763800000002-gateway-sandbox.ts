import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sandbox gateway: idempotency keys scoped per gateway, payments that never resolve, per-payment status-check and
 * per-key create counters (deterministic transient faults).
 */
export class GatewaySandbox1763800000002 implements MigrationInterface {
  name = 'GatewaySandbox1763800000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX sandbox_payments_idempotency_key;
      CREATE UNIQUE INDEX sandbox_payments_gateway_key ON sandbox_payments (gateway_id, idempotency_key);
      ALTER TABLE sandbox_payments ALTER COLUMN resolves_at DROP NOT NULL;
      ALTER TABLE sandbox_payments ADD COLUMN status_checks int NOT NULL DEFAULT 0;
      CREATE TABLE sandbox_attempts (
        gateway_id uuid NOT NULL REFERENCES gateways(id),
        idempotency_key text NOT NULL,
        creates int NOT NULL,
        PRIMARY KEY (gateway_id, idempotency_key)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE sandbox_attempts;
      ALTER TABLE sandbox_payments DROP COLUMN status_checks;
      UPDATE sandbox_payments SET resolves_at = 'infinity' WHERE resolves_at IS NULL;
      ALTER TABLE sandbox_payments ALTER COLUMN resolves_at SET NOT NULL;
      DROP INDEX sandbox_payments_gateway_key;
      CREATE UNIQUE INDEX sandbox_payments_idempotency_key ON sandbox_payments (idempotency_key);
    `);
  }
}
