import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pipelines and their routes, the black list, limits, commissions, payout holds, and the order's pipeline. */
export class Operations1763800000000 implements MigrationInterface {
  name = 'Operations1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pipelines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        direction text NOT NULL CHECK (direction IN ('deposit', 'payout')),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pipelines_merchant_direction_name UNIQUE (merchant_id, direction, name)
      );
      CREATE TABLE routes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pipeline_id uuid NOT NULL REFERENCES pipelines(id),
        gateway_id uuid NOT NULL REFERENCES gateways(id),
        position int NOT NULL CHECK (position >= 0),
        enabled boolean NOT NULL DEFAULT true,
        currency char(3),
        min_amount_minor bigint CHECK (min_amount_minor >= 0),
        max_amount_minor bigint CHECK (max_amount_minor > 0),
        method text CHECK (method IN ('card', 'p2p', 'token')),
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Deferrable so that operations can reorder a pipeline in one transaction (SET CONSTRAINTS … DEFERRED).
        CONSTRAINT routes_pipeline_position UNIQUE (pipeline_id, position) DEFERRABLE INITIALLY IMMEDIATE,
        CONSTRAINT routes_amount_range CHECK (min_amount_minor <= max_amount_minor)
      );
      CREATE INDEX routes_gateway ON routes (gateway_id);
      CREATE TABLE blacklist_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL CHECK (type IN ('card', 'email', 'ip', 'phone', 'payeerIdentifier')),
        value text NOT NULL,
        display_value text NOT NULL,
        scope text NOT NULL CHECK (scope IN ('merchant', 'pipeline')),
        merchant_id uuid REFERENCES merchants(id),
        pipeline_id uuid REFERENCES pipelines(id),
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT blacklist_entries_scope CHECK (
          (scope = 'merchant' AND merchant_id IS NOT NULL AND pipeline_id IS NULL)
          OR (scope = 'pipeline' AND pipeline_id IS NOT NULL AND merchant_id IS NULL)
        ),
        -- A card entry holds the HMAC fingerprint; this refuses a card number stored by mistake.
        CONSTRAINT blacklist_entries_card_fingerprint CHECK (type <> 'card' OR value ~ '^[0-9a-f]{64}$')
      );
      CREATE INDEX blacklist_entries_type_value ON blacklist_entries (type, value);
      CREATE TABLE limits (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        scope text NOT NULL CHECK (scope IN ('merchant', 'pipeline')),
        merchant_id uuid REFERENCES merchants(id),
        pipeline_id uuid REFERENCES pipelines(id),
        direction text NOT NULL CHECK (direction IN ('deposit', 'payout')),
        currency char(3) NOT NULL,
        min_amount_minor bigint CHECK (min_amount_minor >= 0),
        max_amount_minor bigint CHECK (max_amount_minor >= 0),
        daily_volume_minor bigint CHECK (daily_volume_minor >= 0),
        daily_count int CHECK (daily_count >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT limits_scope CHECK (
          (scope = 'merchant' AND merchant_id IS NOT NULL AND pipeline_id IS NULL)
          OR (scope = 'pipeline' AND pipeline_id IS NOT NULL AND merchant_id IS NULL)
        ),
        CONSTRAINT limits_amount_range CHECK (min_amount_minor <= max_amount_minor)
      );
      -- One row per owner, direction and currency, so that "the" limit of a scope is never ambiguous.
      CREATE UNIQUE INDEX limits_merchant ON limits (merchant_id, direction, currency) WHERE scope = 'merchant';
      CREATE UNIQUE INDEX limits_pipeline ON limits (pipeline_id, direction, currency) WHERE scope = 'pipeline';
      CREATE TABLE commissions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        pipeline_id uuid REFERENCES pipelines(id),
        direction text NOT NULL CHECK (direction IN ('deposit', 'payout')),
        currency char(3),
        percent numeric(7, 4) NOT NULL DEFAULT 0 CHECK (percent >= 0 AND percent <= 100),
        fixed_minor bigint NOT NULL DEFAULT 0 CHECK (fixed_minor >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- At most one row per specificity level, so the most specific row is always a single one.
        CONSTRAINT commissions_specificity UNIQUE NULLS NOT DISTINCT (merchant_id, direction, pipeline_id, currency)
      );
      CREATE TABLE balance_holds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders(id),
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        commission_minor bigint NOT NULL DEFAULT 0 CHECK (commission_minor >= 0),
        status text NOT NULL CHECK (status IN ('held', 'settled', 'released')),
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        CONSTRAINT balance_holds_order UNIQUE (order_id),
        CONSTRAINT balance_holds_resolution CHECK ((status = 'held') = (resolved_at IS NULL))
      );
      CREATE INDEX balance_holds_held ON balance_holds (merchant_id, currency) WHERE status = 'held';
      ALTER TABLE orders ADD COLUMN pipeline_id uuid REFERENCES pipelines(id);
      -- Daily limits sum a merchant's (or a pipeline's) orders of one direction and currency over a day.
      CREATE INDEX orders_daily_merchant ON orders (merchant_id, direction, currency, created_at);
      CREATE INDEX orders_daily_pipeline ON orders (pipeline_id, direction, currency, created_at)
        WHERE pipeline_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX orders_daily_pipeline; DROP INDEX orders_daily_merchant; ALTER TABLE orders DROP COLUMN pipeline_id;
      DROP TABLE balance_holds; DROP TABLE commissions; DROP TABLE limits; DROP TABLE blacklist_entries;
      DROP TABLE routes; DROP TABLE pipelines;
    `);
  }
}
