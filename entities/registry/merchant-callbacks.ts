import type { MigrationInterface } from 'typeorm';

/** Entities and migrations of merchant callback delivery. */
export const MERCHANT_CALLBACK_ENTITIES: Array<new () => unknown> = [];
export const MERCHANT_CALLBACK_MIGRATIONS: Array<new () => MigrationInterface> = [];
