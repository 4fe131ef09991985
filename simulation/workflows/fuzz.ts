/**
 * The world of a property-based run (simulation/fuzz): things that happen to an order at a time on Temporal's
 * clock — a gateway's callback, a cancellation request, an operator settling an order left in reconciliation. A
 * durable timer lets the time-skipping server stop exactly there. Deterministic code only, like workflows/.
 */
import * as wf from '@temporalio/workflow';
import type { FuzzAction, FuzzActivities } from '../fuzz/activities';

const { actOnOrder } = wf.proxyActivities<FuzzActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumAttempts: 10 },
});

export async function fuzzEventAt(input: { atMs: number; action: FuzzAction }): Promise<string> {
  const wait = input.atMs - Date.now();
  if (wait > 0) await wf.sleep(wait);
  return actOnOrder(input.action);
}
