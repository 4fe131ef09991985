import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin side: named operators with their own keys, the audit log of every admin change, a key bound to one
 * pipeline, gateway and pipeline switches for routing, one black-list row per requisite and owner, and the
 * commission terms an order was accepted with.
 */
export class Admin1764000000000 implements MigrationInterface {
  name = 'Admin1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE operators (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (name <> ''),
        key_prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor text NOT NULL,
        operator_id uuid REFERENCES operators (id),
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        before jsonb,
        after jsonb,
        note text,
        request_id text
      );
      CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, id);
      CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at, id);

      ALTER TABLE api_keys ADD COLUMN pipeline_id uuid REFERENCES pipelines (id);
      ALTER TABLE api_keys ADD COLUMN label text;
      ALTER TABLE api_keys ADD COLUMN replaced_by uuid REFERENCES api_keys (id);

      ALTER TABLE gateways ADD COLUMN enabled boolean NOT NULL DEFAULT true;
      ALTER TABLE pipelines ADD COLUMN cascade_enabled boolean NOT NULL DEFAULT true;
      ALTER TABLE pipelines ADD COLUMN max_gateways int CHECK (max_gateways > 0);

      ALTER TABLE blacklist_entries ADD CONSTRAINT blacklist_entries_one_per_owner
        UNIQUE NULLS NOT DISTINCT (type, value, scope, merchant_id, pipeline_id);
      CREATE INDEX blacklist_entries_created_at ON blacklist_entries (created_at, id);

      ALTER TABLE orders ADD COLUMN commission_percent numeric(7, 4);
      ALTER TABLE orders ADD COLUMN commission_fixed_minor bigint;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE orders DROP COLUMN commission_fixed_minor;
      ALTER TABLE orders DROP COLUMN commission_percent;
      DROP INDEX blacklist_entries_created_at;
      ALTER TABLE blacklist_entries DROP CONSTRAINT blacklist_entries_one_per_owner;
      ALTER TABLE pipelines DROP COLUMN max_gateways;
      ALTER TABLE pipelines DROP COLUMN cascade_enabled;
      ALTER TABLE gateways DROP COLUMN enabled;
      ALTER TABLE api_keys DROP COLUMN replaced_by;
      ALTER TABLE api_keys DROP COLUMN label;
      ALTER TABLE api_keys DROP COLUMN pipeline_id;
      DROP TABLE audit_log;
      DROP TABLE operators;
    `);
  }
}
