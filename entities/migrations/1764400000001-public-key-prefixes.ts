import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored key prefixes used to be cut at the key's last `_`, which can fall inside the random part: up to 39 of its
 * 43 secret characters were stored and shown (issue 20). Keys made before keys had a public id keep only their
 * kind (`ps_live_deposit_…`, `ps_admin_…`), in their rows and in the audit log's copies of them. Keys themselves
 * are unchanged and keep working.
 */
export class PublicKeyPrefixes1764400000001 implements MigrationInterface {
  name = 'PublicKeyPrefixes1764400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE api_keys SET key_prefix = 'ps_' || mode || '_' || scope || '_…'
       WHERE key_prefix !~ '^ps_(sandbox|live)_(deposit|payout)_[a-z2-7]{10}…$';
      UPDATE operators SET key_prefix = 'ps_admin_…' WHERE key_prefix !~ '^ps_admin_[a-z2-7]{10}…$';
      UPDATE audit_log a SET
        before = CASE WHEN a.before ? 'keyPrefix' THEN jsonb_set(a.before, '{keyPrefix}', to_jsonb(k.key_prefix))
                      ELSE a.before END,
        after = CASE WHEN a.after ? 'keyPrefix' THEN jsonb_set(a.after, '{keyPrefix}', to_jsonb(k.key_prefix))
                     ELSE a.after END
        FROM (SELECT id, key_prefix, 'api-key' AS entity_type FROM api_keys
              UNION ALL SELECT id, key_prefix, 'operator' FROM operators) k
       WHERE a.entity_type = k.entity_type AND a.entity_id = k.id::text;
    `);
  }

  async down(): Promise<void> {
    // The cut-off characters were secret: there is nothing to restore.
  }
}
