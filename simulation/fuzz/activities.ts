import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { CallbackVerification } from '../../domain/gateway-contract';
import { gatewayCallbackSignal, getOrderStateQuery, operatorResolveUpdate } from '../../workflows/definitions';

/** What the world does to an order at its time. */
export type FuzzAction =
  | { kind: 'callback'; workflowId: string; gatewayId: string; verification: CallbackVerification }
  | { kind: 'cancel'; workflowId: string }
  /** An operator settles an order still in reconciliation: the gateway confirms no settlement (evidence). */
  | { kind: 'operator'; workflowId: string };

/** How an action went: done, or why not ('order-closed': the order had already ended). */
export type FuzzActionResult = 'done' | 'order-closed' | 'not-in-reconciliation';

export function fuzzActivities(client: Client) {
  return {
    async actOnOrder(action: FuzzAction): Promise<FuzzActionResult> {
      const handle = client.workflow.getHandle(action.workflowId);
      try {
        // Asked first: the time-skipping server accepts a signal to a closed workflow and then keeps its clock
        // locked for a workflow task no worker can complete (simulation/activities.ts says the same).
        if ((await handle.describe()).status.name !== 'RUNNING') return 'order-closed';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'order-closed';
        throw err;
      }
      if (action.kind === 'callback') {
        await handle.signal(gatewayCallbackSignal, { gatewayId: action.gatewayId, verification: action.verification });
        return 'done';
      }
      if (action.kind === 'cancel') {
        await handle.cancel();
        return 'done';
      }
      const state = await handle.query(getOrderStateQuery);
      if (state.reconciliation !== 'open') return 'not-in-reconciliation';
      try {
        await handle.executeUpdate(operatorResolveUpdate, {
          args: [
            {
              operator: 'fuzz-operator',
              reason: 'reconciliation period over',
              outcome: 'failed',
              evidence: 'gateway confirms the payment was never settled',
            },
          ],
        });
      } catch (err) {
        // Between two steps of the workflow the validator refuses; the activity's retry asks again.
        if (err instanceof WorkflowUpdateFailedError) throw new Error(`operator update refused: ${err.message}`);
        throw err;
      }
      return 'done';
    },
  };
}

export type FuzzActivities = ReturnType<typeof fuzzActivities>;
