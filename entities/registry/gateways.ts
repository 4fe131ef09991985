import type { MigrationInterface } from 'typeorm';
import { GatewaySandbox1763800000002 } from '../migrations/1763800000002-gateway-sandbox';
import { SandboxAttemptEntity } from '../sandbox-attempt.entity';

/** Entities and migrations of the gateway connectors and simulators. */
export const GATEWAY_ENTITIES: Array<new () => unknown> = [SandboxAttemptEntity];
export const GATEWAY_MIGRATIONS: Array<new () => MigrationInterface> = [GatewaySandbox1763800000002];
