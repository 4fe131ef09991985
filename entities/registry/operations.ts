import type { MigrationInterface } from 'typeorm';

/** Entities and migrations of the operations side (pipelines, routes, black list, limits, commissions, holds). */
export const OPERATIONS_ENTITIES: Array<new () => unknown> = [];
export const OPERATIONS_MIGRATIONS: Array<new () => MigrationInterface> = [];
