import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Merchants, keys, gateways, orders with their history, the ledger and the sandbox gateway's payments. */
export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE merchants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        scope text NOT NULL CHECK (scope IN ('deposit', 'payout')),
        mode text NOT NULL CHECK (mode IN ('sandbox', 'live')),
        key_prefix text NOT NULL,
        key_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
      CREATE UNIQUE INDEX api_keys_key_hash ON api_keys (key_hash);
      CREATE INDEX api_keys_merchant ON api_keys (merchant_id);
      CREATE TABLE gateways (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE,
        name text NOT NULL,
        connector text NOT NULL,
        mode text NOT NULL CHECK (mode IN ('sandbox', 'live')),
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        direction text NOT NULL CHECK (direction IN ('deposit', 'payout')),
        external_transaction_id text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('Created', 'Processing', 'Success', 'Failed')),
        gateway_id uuid REFERENCES gateways(id),
        workflow_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT orders_merchant_direction_ext_tx UNIQUE (merchant_id, direction, external_transaction_id)
      );
      CREATE TABLE order_history (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        seq int NOT NULL,
        code text NOT NULL,
        status text NOT NULL,
        occurred_at timestamptz NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT order_history_order_seq UNIQUE (order_id, seq)
      );
      CREATE TABLE ledger_postings (
        id bigserial PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL,
        kind text NOT NULL,
        order_id uuid REFERENCES orders(id),
        idempotency_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX ledger_postings_idempotency_key ON ledger_postings (idempotency_key);
      CREATE INDEX ledger_postings_balance ON ledger_postings (merchant_id, currency);
      CREATE TABLE sandbox_payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        gateway_id uuid NOT NULL REFERENCES gateways(id),
        idempotency_key text NOT NULL,
        amount_minor bigint NOT NULL,
        currency char(3) NOT NULL,
        scenario text NOT NULL,
        created_at timestamptz NOT NULL,
        resolves_at timestamptz NOT NULL
      );
      CREATE UNIQUE INDEX sandbox_payments_idempotency_key ON sandbox_payments (idempotency_key);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE sandbox_payments; DROP TABLE ledger_postings; DROP TABLE order_history; DROP TABLE orders;
      DROP TABLE gateways; DROP TABLE api_keys; DROP TABLE merchants;
    `);
  }
}
