import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A merchant: the owner of orders, keys and balances. */
@Entity('merchants')
@Check('merchants_callback_secret_length', `length(callback_secret) >= 32`)
export class MerchantEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  /**
   * The key merchant callbacks are signed with, sealed (infra/security/secrets-at-rest.ts); NULL until the first
   * callback creates it. Rows from before secrets at rest hold it in clear until `npm run rewrap-keys`.
   */
  @Column('text', { name: 'callback_secret', nullable: true }) callbackSecret!: string | null;
}
