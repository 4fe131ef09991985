/**
 * The deposit workflow with one command added in front (a timer), without `patched()`: the kind of change that
 * breaks running executions. The replay suite must reject it against every recorded history.
 */
import { sleep } from '@temporalio/workflow';
import { deposit as currentDeposit } from '../../../workflows/deposit';
import type { OrderInput } from '../../../workflows/definitions';

export async function deposit(input: OrderInput) {
  await sleep('1 second');
  return currentDeposit(input);
}
