import type { DataSource } from 'typeorm';
import type { GatewayRegistry } from '../gateways/connector';
import type { Keyring } from '../infra/security/keyring';
import { combinedStepActivities } from './combined-steps';
import { exportActivities } from './exports';
import { gatewayActivities } from './gateway';
import { merchantCallbackActivities } from './merchant-callbacks';
import { operationsActivities } from './operations';
import { orderHistoryActivities } from './order-history';

/** What activities need from the outside world; built once per worker process. */
export interface ActivityDependencies {
  dataSource: DataSource;
  gateways: GatewayRegistry;
  /** Whether merchant callbacks may target loopback and private addresses (tests, local demo). */
  allowPrivateCallbackNetworks: boolean;
  /** The master keys: the card vault, gateway credentials and merchant callback secrets are opened with them. */
  keyring: Keyring;
}

/** Every activity the workflows call, bound to their dependencies. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...orderHistoryActivities(deps.dataSource),
    ...gatewayActivities(deps.dataSource, deps.gateways, { keyring: deps.keyring }),
    ...operationsActivities(deps.dataSource),
    ...combinedStepActivities(deps.dataSource),
    ...exportActivities(deps.dataSource),
    ...merchantCallbackActivities(deps.dataSource, {
      allowPrivateNetworks: deps.allowPrivateCallbackNetworks,
      keyring: deps.keyring,
    }),
  };
}

/** The activity interface workflows proxy (type-only import on their side). */
export type Activities = ReturnType<typeof createActivities>;
