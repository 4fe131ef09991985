/**
 * A gateway's callback, delivered at its time on Temporal's clock: a durable timer lets the time-skipping server
 * stop exactly there, then the activity does what the API's callback route does (verify, find the order, signal).
 * Deterministic code only, like workflows/.
 */
import * as wf from '@temporalio/workflow';
import type { RawGatewayCallback } from '../../domain/gateway-contract';
import type { CallbackDelivery, SimulationActivities } from '../activities';

const { deliverGatewayCallback } = wf.proxyActivities<SimulationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumAttempts: 5 },
});

/** What the simulated gateway sends, and when (ms since the epoch, Temporal's clock). */
export interface SimulatedGatewayCallbackInput {
  atMs: number;
  gatewayId: string;
  raw: RawGatewayCallback;
}

/**
 * Ends a callback still waiting when the simulation is over. The workflow completes on its own rather than being
 * terminated: the time-skipping server can keep time locked for a workflow task that a termination cut short.
 */
export const stopCallbackSignal = wf.defineSignal('stop');

export async function simulatedGatewayCallback(
  input: SimulatedGatewayCallbackInput,
): Promise<CallbackDelivery | 'not-sent'> {
  let stopped = false;
  wf.setHandler(stopCallbackSignal, () => void (stopped = true));
  const wait = input.atMs - Date.now();
  if (wait > 0 && (await wf.condition(() => stopped, wait))) return 'not-sent';
  if (stopped) return 'not-sent';
  return deliverGatewayCallback(input.gatewayId, input.raw);
}
