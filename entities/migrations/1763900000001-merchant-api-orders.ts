import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the merchant API keeps of a create request: the hash that tells an idempotent retry from a conflicting one,
 * and what the status endpoints return (masked card, holder, tokens) or later flows need (URLs). Nullable: orders
 * started outside the API (simulations, workflow tests) have none of it. The card number itself is never stored.
 */
export class MerchantApiOrders1763900000001 implements MigrationInterface {
  name = 'MerchantApiOrders1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE orders
        ADD COLUMN request_hash text,
        ADD COLUMN method text CHECK (method IN ('card', 'p2p', 'token')),
        ADD COLUMN flow text CHECK (flow IN ('h2h', 'h2c')),
        ADD COLUMN card_mask text,
        ADD COLUMN card_holder text,
        ADD COLUMN card_token text,
        ADD COLUMN card_storage_token text,
        ADD COLUMN callback_url text,
        ADD COLUMN processing_redirect_url text,
        ADD COLUMN failed_redirect_url text,
        ADD COLUMN success_redirect_url text
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE orders
        DROP COLUMN request_hash, DROP COLUMN method, DROP COLUMN flow, DROP COLUMN card_mask, DROP COLUMN card_holder,
        DROP COLUMN card_token, DROP COLUMN card_storage_token, DROP COLUMN callback_url,
        DROP COLUMN processing_redirect_url, DROP COLUMN failed_redirect_url, DROP COLUMN success_redirect_url
    `);
  }
}
