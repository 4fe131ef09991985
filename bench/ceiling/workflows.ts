/**
 * The ceiling: a bare workflow that makes the same activity calls, of the same kinds and in the same order, as a
 * happy-path order (bench/ceiling/shapes.ts), with no-op activities and the order workflows' activity options.
 * Bench-only: bundled on its own and run on its own task queue, never registered with the engine's workers.
 * Deterministic code only, like workflows/.
 */
import * as wf from '@temporalio/workflow';
import { GatewayIdKey, OrderStatusKey } from '../../workflows/search-attributes';
import type { CeilingActivities } from './activities';

/** What one ceiling workflow gets: its command sequence, and a payload of an order input's size for every call. */
export interface CeilingInput {
  shape: string;
  payload: Record<string, unknown>;
  /**
   * The engine's visibility footprint as well: before this step, one search attribute upsert (OrderStatus and
   * GatewayId, as an order's gateway answer makes); the starter then also sets the order's four attributes.
   */
  upsertBeforeStep?: number;
}

// The same options as workflows/activity-profiles.ts: `operations` for activities, `persistence` for local ones.
const remote = wf.proxyActivities<CeilingActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});
const local = wf.proxyLocalActivities<CeilingActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

export async function ceilingOrder(input: CeilingInput): Promise<number> {
  let calls = 0;
  for (const step of input.shape) {
    if (calls === input.upsertBeforeStep) {
      wf.upsertSearchAttributes([
        { key: OrderStatusKey, value: 'Success' },
        { key: GatewayIdKey, value: '00000000-0000-4000-8000-0000000000a1' },
      ]);
    }
    if (step === 'L') await local.noop(input.payload);
    else await remote.noop(input.payload);
    calls += 1;
  }
  return calls;
}
