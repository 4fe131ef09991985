import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The card vault (vault/card-vault.ts owns it): an order's payer data for its gateway, envelope-encrypted. Each
 * row has its own data key, stored wrapped under the master key `key_id` names; `data` and `cvc` are AES-256-GCM
 * ciphertexts under that data key. `cvc` is set to NULL after the first authorization attempt or at
 * `cvc_expires_at`, whichever comes first. A saved card (Deposit H2H Token) is a row without an order, found by the
 * SHA-256 of its `cardStorageToken` within its merchant.
 */
export class CardVault1764300000000 implements MigrationInterface {
  name = 'CardVault1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE card_vault (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants (id),
        order_id uuid UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
        storage_token_hash text UNIQUE,
        key_id text NOT NULL,
        wrapped_key bytea NOT NULL,
        data bytea NOT NULL,
        cvc bytea,
        cvc_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((cvc IS NULL) = (cvc_expires_at IS NULL)),
        CHECK ((order_id IS NULL) <> (storage_token_hash IS NULL))
      )`);
    await q.query(`CREATE INDEX card_vault_key_id ON card_vault (key_id)`);
    await q.query(`CREATE INDEX card_vault_cvc_expiry ON card_vault (cvc_expires_at) WHERE cvc IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE card_vault`);
  }
}
