import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { verifyGatewayCallback } from '../gateways/callback-verification';
import type { RawGatewayCallback } from '../domain/gateway-contract';
import type { GatewayRegistry } from '../gateways/connector';
import { gatewayCallbackSignal } from '../workflows/definitions';

/** How a simulated gateway callback ended, as the API would have answered the gateway. */
export type CallbackDelivery = 'delivered' | 'refused-and-recorded' | 'refused' | 'unknown-payment' | 'order-closed';

/**
 * Activities of the simulation itself. `deliverGatewayCallback` follows the API's callback route
 * (api/routes/gateway-callbacks.ts): verified by the gateway's connector, the order found by the payment
 * reference, the verdict signalled to its workflow; a refused callback is still recorded on the order it names.
 */
export function simulationActivities(deps: { dataSource: DataSource; gateways: GatewayRegistry; client: Client }) {
  return {
    async deliverGatewayCallback(gatewayId: string, raw: RawGatewayCallback): Promise<CallbackDelivery> {
      const verification = await verifyGatewayCallback(deps.dataSource, deps.gateways, gatewayId, raw);
      const rows: Array<{ workflow_id: string }> = verification.gatewayRef
        ? await deps.dataSource.query(
            `SELECT o.workflow_id FROM order_gateway_refs r JOIN orders o ON o.id = r.order_id
              WHERE r.gateway_id = $1 AND r.gateway_ref = $2`,
            [gatewayId, verification.gatewayRef],
          )
        : [];
      const workflowId = rows[0]?.workflow_id;
      if (!workflowId) return verification.valid ? 'unknown-payment' : 'refused';
      const handle = deps.client.workflow.getHandle(workflowId);
      try {
        // Asked first: the time-skipping server accepts a signal to a closed workflow and then keeps its clock
        // locked for a workflow task no worker can complete. A real server refuses it (WorkflowNotFoundError).
        if ((await handle.describe()).status.name !== 'RUNNING') return 'order-closed';
        await handle.signal(gatewayCallbackSignal, { gatewayId, verification });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'order-closed';
        throw err;
      }
      return verification.valid ? 'delivered' : 'refused-and-recorded';
    },
  };
}

export type SimulationActivities = ReturnType<typeof simulationActivities>;
