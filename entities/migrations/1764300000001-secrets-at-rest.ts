import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Merchants' callback secrets are stored encrypted from now on (infra/security/secrets-at-rest.ts), so the database
 * no longer generates them in clear: a new merchant's secret is created, encrypted, by its first callback. Secrets
 * already stored (and gateway credentials) are encrypted in place by `npm run rewrap-keys`, which needs the master
 * keys a migration does not have; until then they are read as they are.
 */
export class SecretsAtRest1764300000001 implements MigrationInterface {
  name = 'SecretsAtRest1764300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE merchants ALTER COLUMN callback_secret DROP DEFAULT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE merchants ALTER COLUMN callback_secret
         SET DEFAULT replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')`,
    );
  }
}
