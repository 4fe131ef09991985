import type { DataSource } from 'typeorm';
import { GatewayRegistry } from './connector';
import { HttpSimConnector } from './http/http-connector';
import { SandboxConnector } from './sandbox/sandbox-connector';

/** The registry of every connector this build ships: `sandbox` (in-process) and `http-sim` (over HTTP). */
export function createGatewayRegistry(dataSource: DataSource): GatewayRegistry {
  return new GatewayRegistry([new SandboxConnector(dataSource), new HttpSimConnector()]);
}
