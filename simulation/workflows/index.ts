/** The workflows a simulation's worker runs: the engine's own, unchanged, and the simulated gateways' callbacks. */
export { deposit, payout } from '../../workflows';
export { simulatedGatewayCallback } from './gateway-callback';
export { fuzzEventAt } from './fuzz';
