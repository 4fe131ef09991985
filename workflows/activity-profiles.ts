/**
 * One activity proxy per reliability profile. Connectors and the callback sender return outcomes rather than
 * throw, so their retry policies only cover bugs and infrastructure glitches; the workflow itself decides (and
 * records) what to do with a gateway's or a merchant's answer.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { GATEWAY_FAILURE } from '../domain/gateway-contract';

/** History to PostgreSQL: a local activity, one marker event per entry; retried until the database is back. */
export const persistence = wf.proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/** Pre-checks, routing and ledger: PostgreSQL only, idempotent, retried until the database answers. */
export const operations = wf.proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** Gateway calls: connectors time out on their own (seconds) and map faults to outcomes. */
const GATEWAY_CALLS: wf.ActivityOptions = {
  startToCloseTimeout: '45s',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [GATEWAY_FAILURE.unknown],
  },
};

export const gateway = wf.proxyActivities<Activities>(GATEWAY_CALLS);

/**
 * Status checks of orders of the lean shape: local activities (one marker instead of six events), with the same
 * timeouts and retries. A check only reads, and connectors time out on their own, so a check repeated after a
 * worker restart changes nothing.
 */
export const gatewayChecks = wf.proxyLocalActivities<Activities>(GATEWAY_CALLS);

/** Merchant callbacks: one attempt per call; the workflow spaces the attempts with durable timers. */
export const merchantCallbacks = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumAttempts: 2 },
});
