import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People who sign in (issue 16): operator and merchant users, their server-side sessions, and the one-time links
 * (invites and password resets) that set a password. All three tables are owned by api/accounts/store.ts. Tokens of
 * sessions and links are stored only as SHA-256 digests; passwords as scrypt hashes; TOTP secrets encrypted at rest.
 * The audit log names the person who made a change (user_id) beside the actor's name.
 */
export class Accounts1764600000100 implements MigrationInterface {
  name = 'Accounts1764600000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE CHECK (email = lower(email) AND email <> ''),
        kind text NOT NULL CHECK (kind IN ('operator', 'merchant')),
        merchant_id uuid REFERENCES merchants (id),
        role text NOT NULL,
        password_hash text,
        password_changed_at timestamptz,
        totp_secret text,
        totp_enabled boolean NOT NULL DEFAULT false,
        totp_last_epoch bigint,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_kind_merchant CHECK ((kind = 'merchant') = (merchant_id IS NOT NULL)),
        CONSTRAINT users_role CHECK (
          (kind = 'operator' AND role IN ('admin', 'operations', 'finance', 'support'))
          OR (kind = 'merchant' AND role IN ('owner', 'developer', 'finance', 'viewer'))
        ),
        CONSTRAINT users_totp CHECK (NOT totp_enabled OR totp_secret IS NOT NULL)
      );
      CREATE INDEX users_merchant ON users (merchant_id, created_at) WHERE merchant_id IS NOT NULL;

      CREATE TABLE user_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        token_hash text NOT NULL UNIQUE,
        csrf_hash text NOT NULL,
        user_agent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      );
      CREATE INDEX user_sessions_user ON user_sessions (user_id, created_at);

      CREATE TABLE user_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        purpose text NOT NULL CHECK (purpose IN ('invite', 'reset')),
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX user_links_user ON user_links (user_id);

      ALTER TABLE audit_log ADD COLUMN user_id uuid REFERENCES users (id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_log DROP COLUMN user_id;
      DROP TABLE user_links;
      DROP TABLE user_sessions;
      DROP TABLE users;
    `);
  }
}
