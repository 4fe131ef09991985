import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counters of failed authentication per client and per key prefix, shared by every API process (issue 20). Unlogged:
 * counters lost in a crash only give a guesser a fresh window, and writes stay cheap.
 */
export class AuthFailures1764400000002 implements MigrationInterface {
  name = 'AuthFailures1764400000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE auth_failures (
        key text PRIMARY KEY,
        hits int NOT NULL CHECK (hits >= 0),
        reset_at timestamptz NOT NULL
      );
      CREATE INDEX auth_failures_reset_at ON auth_failures (reset_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth_failures`);
  }
}
