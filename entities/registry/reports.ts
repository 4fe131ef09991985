import type { MigrationInterface } from 'typeorm';
import { Reports1764700000000 } from '../migrations/1764700000000-reports';
import { ReportHourlyEntity, ReportOrderFactEntity } from '../report.entity';

/** Issue 18's entities and migrations: the reports' pre-aggregated figures (owned by data/reports.ts). */
export const REPORT_ENTITIES: Array<new () => unknown> = [ReportOrderFactEntity, ReportHourlyEntity];
export const REPORT_MIGRATIONS: Array<new () => MigrationInterface> = [Reports1764700000000];
