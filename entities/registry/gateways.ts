import type { MigrationInterface } from 'typeorm';

/** Entities and migrations of the gateway connectors and simulators. */
export const GATEWAY_ENTITIES: Array<new () => unknown> = [];
export const GATEWAY_MIGRATIONS: Array<new () => MigrationInterface> = [];
