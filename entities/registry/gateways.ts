import type { MigrationInterface } from 'typeorm';
import { GatewaySandbox1763800000002 } from '../migrations/1763800000002-gateway-sandbox';
import { GatewayAnswerOverrideEntity } from '../gateway-answer-override.entity';
import { GatewayAnswerOverrides1764500000100 } from '../migrations/1764500000100-gateway-answer-overrides';
import { SandboxAttemptEntity } from '../sandbox-attempt.entity';

/** Entities and migrations of the gateway connectors and simulators. */
export const GATEWAY_ENTITIES: Array<new () => unknown> = [SandboxAttemptEntity, GatewayAnswerOverrideEntity];
export const GATEWAY_MIGRATIONS: Array<new () => MigrationInterface> = [
  GatewaySandbox1763800000002,
  GatewayAnswerOverrides1764500000100,
];
