import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 64 hex characters from two random UUIDs: gen_random_uuid() is core PostgreSQL (13+) and draws from the server's
 * strong random source, so no extension (pgcrypto's gen_random_bytes) is needed. 244 of the 256 bits are random
 * (the UUID version and variant nibbles are fixed), far beyond what an HMAC key needs.
 */
const RANDOM_SECRET_SQL = `replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')`;

/** Each merchant's callback signing secret, and the log of every merchant callback delivery attempt. */
export class MerchantCallbacks1763800000001 implements MigrationInterface {
  name = 'MerchantCallbacks1763800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE merchants ADD COLUMN callback_secret text
        CONSTRAINT merchants_callback_secret_length CHECK (length(callback_secret) >= 32);
      UPDATE merchants SET callback_secret = ${RANDOM_SECRET_SQL};
      ALTER TABLE merchants ALTER COLUMN callback_secret SET DEFAULT ${RANDOM_SECRET_SQL};
      CREATE TABLE merchant_callback_deliveries (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        event_id text NOT NULL,
        attempt int NOT NULL CHECK (attempt >= 1),
        url text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed')),
        code text,
        http_status int,
        error text,
        duration_ms int NOT NULL CHECK (duration_ms >= 0),
        attempted_at timestamptz NOT NULL,
        CONSTRAINT merchant_callback_deliveries_event_attempt UNIQUE (event_id, attempt),
        CONSTRAINT merchant_callback_deliveries_failure_code CHECK ((outcome = 'failed') = (code IS NOT NULL))
      );
      CREATE INDEX merchant_callback_deliveries_order ON merchant_callback_deliveries (order_id, attempted_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE merchant_callback_deliveries;
      ALTER TABLE merchants DROP COLUMN callback_secret;
    `);
  }
}
