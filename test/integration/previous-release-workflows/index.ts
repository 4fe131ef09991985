import * as wf from '@temporalio/workflow';
import { payformSignal, type PayformEvent } from '../../../workflows/definitions';

/**
 * Stands in for an order workflow of the previous release (workflows/v1): it takes the payment form's events as a
 * signal and has no submit Update, so the API must fall back to the signal. Returns what it was told.
 */
export async function previousReleaseOrder(): Promise<PayformEvent[]> {
  const events: PayformEvent[] = [];
  wf.setHandler(payformSignal, (event) => {
    events.push(event);
  });
  await wf.condition(() => events.some((e) => e.type === 'submitted'));
  return events;
}
