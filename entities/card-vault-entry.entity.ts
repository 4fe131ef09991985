import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { MerchantEntity } from './merchant.entity';
import { OrderEntity } from './order.entity';

/**
 * The card vault (vault/card-vault.ts owns it): an order's payer data for its gateway, envelope-encrypted under a
 * data key of its own, stored wrapped under the master key `keyId` names. A saved card is a row without an order,
 * found by the SHA-256 of its storage token. See the migration 1764300000000-card-vault.ts.
 */
@Entity('card_vault')
@Unique('card_vault_order_id_key', ['orderId'])
@Unique('card_vault_storage_token_hash_key', ['storageTokenHash'])
@Index('card_vault_key_id', ['keyId'])
@Index('card_vault_cvc_expiry', ['cvcExpiresAt'], { where: 'cvc IS NOT NULL' })
@Check('card_vault_check', `(cvc IS NULL) = (cvc_expires_at IS NULL)`)
@Check('card_vault_check1', `(order_id IS NULL) <> (storage_token_hash IS NULL)`)
export class CardVaultEntryEntity {
  @PrimaryColumn('uuid') id!: string;
  @ForeignKey(() => MerchantEntity, { name: 'card_vault_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id' })
  merchantId!: string;
  @ForeignKey(() => OrderEntity, { name: 'card_vault_order_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid', { name: 'order_id', nullable: true })
  orderId!: string | null;
  @Column('text', { name: 'storage_token_hash', nullable: true }) storageTokenHash!: string | null;
  @Column('text', { name: 'key_id' }) keyId!: string;
  @Column('bytea', { name: 'wrapped_key' }) wrappedKey!: Buffer;
  @Column('bytea') data!: Buffer;
  /** NULL after the first authorization attempt or at `cvcExpiresAt`, whichever comes first. */
  @Column('bytea', { nullable: true }) cvc!: Buffer | null;
  @Column('timestamptz', { name: 'cvc_expires_at', nullable: true }) cvcExpiresAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
