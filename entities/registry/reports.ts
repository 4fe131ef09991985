import type { MigrationInterface } from 'typeorm';
import { ExportChunkEntity, ExportEntity } from '../export.entity';
import { Reports1764700000100 } from '../migrations/1764700000100-reports';
import { Exports1764700000101 } from '../migrations/1764700000101-exports';
import { ReportHourlyEntity, ReportOrderFactEntity } from '../report.entity';

/**
 * Issue 18's entities and migrations: the reports' pre-aggregated figures (owned by data/reports.ts)
 * and background exports (owned by data/exports.ts).
 */
export const REPORT_ENTITIES: Array<new () => unknown> = [
  ReportOrderFactEntity,
  ReportHourlyEntity,
  ExportEntity,
  ExportChunkEntity,
];
export const REPORT_MIGRATIONS: Array<new () => MigrationInterface> = [Reports1764700000100, Exports1764700000101];
