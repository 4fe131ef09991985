/** The HTTP gateway simulator: a stand-in PSP for connector and end-to-end tests (docs/sandbox.md). */
export {
  type CallbackDelivery,
  type GatewaySimulator,
  type GatewaySimulatorOptions,
  SIMULATOR_API_KEY,
  SIMULATOR_READONLY_API_KEY,
  type SimulatorPermission,
  startGatewaySimulator,
} from './server';
