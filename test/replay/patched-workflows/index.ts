/**
 * The same change as ./changed-workflows (a timer in front of the order), made the safe way: behind `patched()`.
 * A history recorded before the change has no patch marker, so on replay `patched()` answers false and the old
 * command sequence is followed; a new execution records the marker and takes the new path. Test-only: the
 * engine's workflows are unchanged.
 */
import { patched, sleep } from '@temporalio/workflow';
import { deposit as currentDeposit } from '../../../workflows/deposit';
import type { OrderInput } from '../../../workflows/definitions';
import { payout as currentPayout } from '../../../workflows/payout';

/** The patch id: once deployed, it stays in the code (later `deprecatePatch`) until no history without it runs. */
export const PATCH_ID = 'replay-demo-timer-before-order';

export async function deposit(input: OrderInput) {
  if (patched(PATCH_ID)) await sleep('1 second');
  return currentDeposit(input);
}

export async function payout(input: OrderInput) {
  if (patched(PATCH_ID)) await sleep('1 second');
  return currentPayout(input);
}
