import type { DataSource } from 'typeorm';
import { GatewayRegistry } from './connector';
import { SandboxConnector } from './sandbox/sandbox-connector';

/** The registry of every connector this build ships. */
export function createGatewayRegistry(dataSource: DataSource): GatewayRegistry {
  return new GatewayRegistry([new SandboxConnector(dataSource)]);
}
