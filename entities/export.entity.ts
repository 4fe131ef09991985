import { Check, Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { MerchantEntity } from './merchant.entity';

/** A requested export file (docs/reports.md), written only by data/exports.ts. */
@Entity('exports')
@Check('exports_report_check', `report IN ('orders')`)
@Check('exports_format_check', `format IN ('csv', 'xlsx')`)
@Check('exports_status_check', `status IN ('running', 'ready', 'failed')`)
export class ExportEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'requested_by' }) requestedBy!: string;
  /** The merchant the file is about; NULL: every merchant (an operator's export). */
  @ForeignKey(() => MerchantEntity, { name: 'exports_merchant_id_fkey' })
  @Column('uuid', { name: 'merchant_id', nullable: true })
  merchantId!: string | null;
  @Column('text') report!: 'orders';
  @Column('text') format!: 'csv' | 'xlsx';
  @Column('jsonb') query!: Record<string, unknown>;
  @Column('text', { default: 'running' }) status!: 'running' | 'ready' | 'failed';
  @Column('bigint', { nullable: true }) rows!: string | null;
  @Column('bigint', { nullable: true }) bytes!: string | null;
  @Column('text', { nullable: true }) error!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
}

/** One piece (at most 1 MiB) of an export's file, in order. */
@Entity('export_chunks')
export class ExportChunkEntity {
  @ForeignKey(() => ExportEntity, { name: 'export_chunks_export_id_fkey' })
  @PrimaryColumn('uuid', { name: 'export_id' })
  exportId!: string;
  @PrimaryColumn('integer') seq!: number;
  @Column('bytea') data!: Buffer;
}
