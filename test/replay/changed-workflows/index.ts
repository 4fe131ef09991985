/**
 * The order workflows with one command added in front (a timer), without `patched()`: the kind of change that
 * breaks running executions. The replay suite must reject it against every recorded history.
 */
import { sleep } from '@temporalio/workflow';
import { deposit as currentDeposit } from '../../../workflows/deposit';
import type { OrderInput } from '../../../workflows/definitions';
import { payout as currentPayout } from '../../../workflows/payout';

export async function deposit(input: OrderInput) {
  await sleep('1 second');
  return currentDeposit(input);
}

export async function payout(input: OrderInput) {
  await sleep('1 second');
  return currentPayout(input);
}
