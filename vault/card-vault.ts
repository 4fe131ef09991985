import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { GatewayRequisites, PaymentCard } from '../domain/gateway-contract';
import {
  type Keyring,
  newDataKey,
  open,
  rewrapDataKey,
  seal,
  unwrapDataKey,
  type WrappedDataKey,
} from '../infra/security/keyring';
import type { CardVaultEntryEntity } from '../entities/card-vault-entry.entity';
import type { RowOf } from '../entities/rows';

/**
 * The card vault: the one place an order's card number (and the payer data its gateway needs) is kept, in the
 * table `card_vault`, envelope-encrypted. The API stores; the gateway activity opens, right before a connector
 * call; nothing else reads it, and nothing it holds is ever logged, returned or put into a workflow.
 *
 * Every row has its own random data key (AES-256-GCM), stored wrapped under the master key named by `key_id`.
 * Master key rotation re-wraps the data keys ({@link CardVault.rewrapAll}); the ciphertexts themselves stay.
 */

/** What the vault keeps for an order: the card without its CVC, and the requisites for the gateway. */
export type VaultedData = Omit<GatewayRequisites, 'card' | 'cardFingerprint' | 'cardMask'> & {
  card?: Omit<PaymentCard, 'cvc'>;
};

/** The CVC is kept until the first authorization attempt, and never longer than this. */
export const DEFAULT_CVC_TTL_MS = 30 * 60 * 1000;

type VaultRow = RowOf<CardVaultEntryEntity, 'id' | 'keyId' | 'wrappedKey' | 'data' | 'cvc' | 'cvcExpiresAt'>;

/** The AAD of a row's ciphertexts: a ciphertext copied into another row (or column) does not open. */
const aad = (rowId: string, column: 'data' | 'cvc') => Buffer.from(`card_vault:${rowId}:${column}`);

export class CardVault {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keyring: Keyring,
    private readonly cvcTtlMs: number = DEFAULT_CVC_TTL_MS,
  ) {}

  /**
   * Stores an order's payer data. A row the order already has keeps its card and CVC (the first card submitted
   * is the order's, as the workflow decides); fields it lacks are added. Safe to repeat. With `replaceCard` (the
   * hosted form took another card after the issuer declined the last one) the new card and CVC replace the old.
   */
  async storeForOrder(
    orderId: string,
    merchantId: string,
    data: VaultedData,
    cvc?: string,
    { replaceCard = false }: { replaceCard?: boolean } = {},
  ): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      // Concurrent stores for one order (a create and its retry) take turns: the second merges into the first's row.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`card_vault:${orderId}`]);
      const existing = await this.lockRow(tx, orderId);
      let merged: VaultedData = data;
      let keptCvc = cvc;
      let cvcExpiry: Date | null = null;
      if (existing) {
        const current = this.decryptRow(existing);
        merged = replaceCard && data.card ? { ...current.data, ...data } : { ...data, ...current.data };
        // A card already stored stays, with its CVC (or without it, once destroyed): the first card is the order's.
        if (current.data.card && !(replaceCard && data.card)) {
          [keptCvc, cvcExpiry] = [current.cvc, existing.cvc_expires_at];
        }
      }
      const id = existing?.id ?? randomUUID();
      const { keyId, wrappedKey, dataKey } = newDataKey(this.keyring);
      const sealedData = seal(dataKey, Buffer.from(JSON.stringify(merged)), aad(id, 'data'));
      const sealedCvc = keptCvc ? seal(dataKey, Buffer.from(keptCvc), aad(id, 'cvc')) : null;
      const expiry = sealedCvc ? (cvcExpiry ?? new Date(Date.now() + this.cvcTtlMs)) : null;
      await tx.query(
        `INSERT INTO card_vault (id, merchant_id, order_id, key_id, wrapped_key, data, cvc, cvc_expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET key_id = EXCLUDED.key_id, wrapped_key = EXCLUDED.wrapped_key,
           data = EXCLUDED.data, cvc = EXCLUDED.cvc, cvc_expires_at = EXCLUDED.cvc_expires_at, updated_at = now()`,
        [id, merchantId, orderId, keyId, wrappedKey, sealedData, sealedCvc, expiry],
      );
    });
  }

  /**
   * The order's vaulted data for its gateway, with the CVC while it is still kept (null: nothing vaulted). A CVC
   * past its TTL is destroyed here rather than returned.
   */
  async openForOrder(orderId: string): Promise<GatewayRequisites | null> {
    await this.purgeExpiredCvcs();
    const rows = (await this.dataSource.query(
      `SELECT id, key_id, wrapped_key, data, cvc, cvc_expires_at FROM card_vault WHERE order_id = $1`,
      [orderId],
    )) as VaultRow[];
    if (!rows[0]) return null;
    const { data, cvc } = this.decryptRow(rows[0]);
    const { card, ...rest } = data;
    return { ...rest, ...(card ? { card: { ...card, ...(cvc ? { cvc } : {}) } } : {}) };
  }

  /**
   * Saves a card for later deposits of the same merchant (Deposit H2H Token) and returns its `cardStorageToken`.
   * Only the token's SHA-256 is stored; the card is encrypted like an order's, without CVC (never kept).
   */
  async saveCard(merchantId: string, card: Omit<PaymentCard, 'cvc'>): Promise<string> {
    const token = `cst_${randomBytes(24).toString('base64url')}`;
    const id = randomUUID();
    const { keyId, wrappedKey, dataKey } = newDataKey(this.keyring);
    await this.dataSource.query(
      `INSERT INTO card_vault (id, merchant_id, storage_token_hash, key_id, wrapped_key, data)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        id,
        merchantId,
        tokenHash(token),
        keyId,
        wrappedKey,
        seal(dataKey, Buffer.from(JSON.stringify({ card })), aad(id, 'data')),
      ],
    );
    return token;
  }

  /** The merchant's saved card behind a token; null for a token that is unknown, deleted or another merchant's. */
  async savedCard(merchantId: string, token: string): Promise<Omit<PaymentCard, 'cvc'> | null> {
    const rows = (await this.dataSource.query(
      `SELECT id, key_id, wrapped_key, data, cvc, cvc_expires_at FROM card_vault
       WHERE storage_token_hash = $1 AND merchant_id = $2`,
      [tokenHash(token), merchantId],
    )) as VaultRow[];
    return rows[0] ? (this.decryptRow(rows[0]).data.card ?? null) : null;
  }

  /** Deletes a saved card (its row, so the card is gone); false when the merchant has no such token. */
  async deleteSavedCard(merchantId: string, token: string): Promise<boolean> {
    // A DELETE … RETURNING comes back from the driver as [rows, count].
    const [, count] = (await this.dataSource.query(
      `DELETE FROM card_vault WHERE storage_token_hash = $1 AND merchant_id = $2 RETURNING id`,
      [tokenHash(token), merchantId],
    )) as [unknown[], number];
    return count > 0;
  }

  /** Destroys the order's CVC (after its first authorization attempt). Safe to repeat. */
  async destroyCvc(orderId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE card_vault SET cvc = NULL, cvc_expires_at = NULL, updated_at = now()
       WHERE order_id = $1 AND cvc IS NOT NULL`,
      [orderId],
    );
  }

  /** Whether the order's CVC is still kept (for tests and operators; never the CVC itself). */
  async hasCvc(orderId: string): Promise<boolean> {
    await this.purgeExpiredCvcs();
    const rows = (await this.dataSource.query(`SELECT 1 FROM card_vault WHERE order_id = $1 AND cvc IS NOT NULL`, [
      orderId,
    ])) as unknown[];
    return rows.length > 0;
  }

  /** Destroys every CVC past its TTL. */
  async purgeExpiredCvcs(): Promise<void> {
    await this.dataSource.query(
      `UPDATE card_vault SET cvc = NULL, cvc_expires_at = NULL, updated_at = now()
       WHERE cvc IS NOT NULL AND cvc_expires_at <= now()`,
    );
  }

  /**
   * Re-wraps every data key under another master key of the ring to the active master key, in batches of short
   * transactions: the vault stays in use meanwhile, and an interrupted run is finished by running it again.
   * Rows under a key the ring lacks are left alone (and reported by rewrapEverything). Returns how many rows
   * it re-wrapped.
   */
  async rewrapAll(batchSize = 200): Promise<number> {
    const activeId = this.keyring.activeId;
    let total = 0;
    for (;;) {
      const rewrapped = await this.dataSource.transaction(async (tx) => {
        const rows = (await tx.query(
          `SELECT id, key_id, wrapped_key FROM card_vault WHERE key_id <> $1 AND key_id = ANY($2) ORDER BY id
           LIMIT $3 FOR UPDATE SKIP LOCKED`,
          [activeId, this.keyring.ids(), batchSize],
        )) as Array<Pick<VaultRow, 'id' | 'key_id' | 'wrapped_key'>>;
        for (const row of rows) {
          const next = rewrapDataKey(this.keyring, wrappedOf(row));
          await tx.query(`UPDATE card_vault SET key_id = $2, wrapped_key = $3 WHERE id = $1`, [
            row.id,
            next.keyId,
            next.wrappedKey,
          ]);
        }
        return rows.length;
      });
      total += rewrapped;
      if (rewrapped < batchSize) return total;
    }
  }

  private async lockRow(tx: EntityManager, orderId: string): Promise<VaultRow | undefined> {
    const rows = (await tx.query(
      `SELECT id, key_id, wrapped_key, data, cvc, cvc_expires_at FROM card_vault WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    )) as VaultRow[];
    return rows[0];
  }

  private decryptRow(row: VaultRow): { data: VaultedData; cvc?: string } {
    const dataKey = unwrapDataKey(this.keyring, wrappedOf(row));
    const data = JSON.parse(open(dataKey, row.data, aad(row.id, 'data')).toString('utf8')) as VaultedData;
    return row.cvc ? { data, cvc: open(dataKey, row.cvc, aad(row.id, 'cvc')).toString('utf8') } : { data };
  }
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

const wrappedOf = (row: Pick<VaultRow, 'key_id' | 'wrapped_key'>): WrappedDataKey => ({
  keyId: row.key_id,
  wrappedKey: row.wrapped_key,
});
