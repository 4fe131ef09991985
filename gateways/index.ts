import type { DataSource } from 'typeorm';
import { GatewayRegistry } from './connector';
import { HttpSimConnector } from './http/http-connector';
import { SandboxConnector } from './sandbox/sandbox-connector';
import { StripeConnector } from './stripe/stripe-connector';

/** The registry of every connector this build ships: `sandbox` (in-process), `http-sim` (over HTTP) and `stripe`. */
export function createGatewayRegistry(dataSource: DataSource): GatewayRegistry {
  return new GatewayRegistry([new SandboxConnector(dataSource), new HttpSimConnector(), new StripeConnector()]);
}
