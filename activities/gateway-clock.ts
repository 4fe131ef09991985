import { Context } from '@temporalio/activity';

/**
 * The time a gateway call happens at, as Temporal sees it: in a time-skipping test it moves with the skipped time,
 * so a sandbox payment that is pending for 90 minutes settles after 90 workflow minutes. An activity's clock is its
 * attempt's scheduled time; a local activity's scheduled time is the worker's clock, so the workflow sends its own
 * time with the call (`at`, ISO) and that wins.
 */
export function gatewayClockMs(at?: string): number {
  return at ? Date.parse(at) : Context.current().info.currentAttemptScheduledTimestampMs;
}
