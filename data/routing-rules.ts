import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CODES } from '../domain/history-codes';
import type { PreCheckResult } from '../domain/operations-contract';
import type { Direction } from '../domain/order';
import type { OrderRequisites, RequisiteType } from '../domain/requisites';
import { blacklistKeys } from '../activities/operations/pre-checks';
import type { RoutingRuleAction, RoutingRuleCounts, RoutingRuleEntity } from '../entities/routing-rule.entity';
import type { RowOf } from '../entities/rows';
import type { Queryable } from './ledger';

/**
 * Routing rules with time windows (seed 004 §7, docs/routing-rules.md): "more than `threshold` failed orders (or
 * attempts) by this card / email / phone / IP / PayeerIdentifier in the last `windowSeconds`", and what to do then.
 * This module owns the table `routing_events` and reads `routing_rules` (written by api/admin/routing-rules.ts).
 *
 * Counting is by rows in the window, never by a counter that must be reset: a rule lifts by itself as soon as enough
 * of its events are older than the window, with no job to run. Each order records one attempt event per requisite
 * it carries (at its pre-checks) and, when it ends Failed, one failure event per requisite. Both inserts are keyed by
 * (order, kind, requisite), so a retried activity counts nothing twice.
 */

/** What a rule counts: orders that ended Failed, or every order that reached its pre-checks. */
export type RuleCounts = RoutingRuleCounts;
/** Block the order (1.2.4.43), move a gateway to the end of the route, or route to another pipeline or gateway. */
export type RuleAction = RoutingRuleAction;
export const RULE_ACTIONS: readonly RuleAction[] = ['block', 'lower-gateway', 'to-pipeline', 'to-gateway'];
export const SOFT_ACTIONS: readonly RuleAction[] = ['lower-gateway', 'to-pipeline', 'to-gateway'];

/** The order a rule is evaluated for. `at` is the workflow's time (ISO): the window ends there. */
export interface RuleSubject {
  orderId: string;
  merchantId: string;
  pipelineId: string;
  direction: Direction;
  requisites: OrderRequisites;
  at: string;
}

/** A rule whose threshold the order's requisite exceeded, with the count that did it. */
export interface TriggeredRule {
  ruleId: string;
  scope: 'merchant' | 'pipeline';
  requisite: RequisiteType;
  counts: RuleCounts;
  threshold: number;
  windowSeconds: number;
  action: RuleAction;
  targetGatewayId: string | null;
  targetPipelineId: string | null;
  count: number;
}

/** One requisite of the order as the events key it. */
interface EventKey {
  requisite: RequisiteType;
  keyHash: string;
}

/**
 * The order's requisites normalised as the black list matches them (a card by its keyed fingerprint), then
 * hashed: the events table holds no email, phone or IP in clear.
 */
export function eventKeys(requisites: OrderRequisites): EventKey[] {
  return blacklistKeys(requisites).map((k) => ({
    requisite: k.type,
    keyHash: createHash('sha256').update(`${k.type}:${k.value}`, 'utf8').digest('hex'),
  }));
}

/** A 64-bit advisory lock id per (merchant, requisite, key). */
function lockId(merchantId: string, key: EventKey): bigint {
  const digest = createHash('sha256').update(`routing-rules:${merchantId}:${key.requisite}:${key.keyHash}`).digest();
  return digest.readBigInt64BE(0);
}

/**
 * Records the order's attempt for each requisite, once. Inserts of one key are serialised by an advisory lock
 * held to the commit, so the attempts of a key get `seq` values in commit order: an attempt counted "up to its
 * own seq" sees exactly the attempts committed before it, however many orders arrive at once. Locks are taken in
 * numeric order, so two orders sharing two keys cannot deadlock.
 */
export async function recordAttempts(ds: Pick<DataSource, 'transaction'>, s: RuleSubject): Promise<void> {
  const keys = eventKeys(s.requisites);
  if (keys.length === 0) return;
  const locks = [...new Set(keys.map((k) => lockId(s.merchantId, k)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  await ds.transaction(async (tx) => {
    for (const id of locks) await tx.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [id.toString()]);
    await tx.query(
      `INSERT INTO routing_events (kind, order_id, merchant_id, pipeline_id, direction, requisite, key_hash, occurred_at)
       SELECT 'attempt', $1, $2, $3, $4, k.requisite, k.key_hash, $7
         FROM unnest($5::text[], $6::text[]) AS k(requisite, key_hash)
       ON CONFLICT (order_id, kind, requisite) DO NOTHING`,
      [
        s.orderId,
        s.merchantId,
        s.pipelineId,
        s.direction,
        keys.map((k) => k.requisite),
        keys.map((k) => k.keyHash),
        s.at,
      ],
    );
  });
}

/**
 * Marks the order's attempts as blocked by a rule (or not, when a retried evaluation no longer blocks): a blocked
 * order's failure is not a failed payment attempt, so it is not counted as one.
 */
export async function markBlocked(q: Queryable, orderId: string, blocked: boolean): Promise<void> {
  await q.query(`UPDATE routing_events SET blocked = $2 WHERE order_id = $1 AND kind = 'attempt'`, [orderId, blocked]);
}

/**
 * Counts a Failed order as a failed attempt for each requisite it was checked with, at `at` (when it failed). Once
 * per order and requisite, whatever the number of calls; nothing for an order a rule blocked, or one that never
 * reached its pre-checks (it has no attempt events).
 */
export async function recordFailure(q: Queryable, orderId: string, at: string): Promise<void> {
  await q.query(
    `INSERT INTO routing_events (kind, order_id, merchant_id, pipeline_id, direction, requisite, key_hash, occurred_at)
     SELECT 'failure', order_id, merchant_id, pipeline_id, direction, requisite, key_hash, $2
       FROM routing_events WHERE order_id = $1 AND kind = 'attempt' AND NOT blocked
     ON CONFLICT (order_id, kind, requisite) DO NOTHING`,
    [orderId, at],
  );
}

type TriggeredRow = RowOf<
  RoutingRuleEntity,
  | 'id'
  | 'scope'
  | 'requisite'
  | 'counts'
  | 'threshold'
  | 'windowSeconds'
  | 'action'
  | 'targetGatewayId'
  | 'targetPipelineId'
> & {
  /** The rule's count of the order's events in its window. */
  n: number;
};

/**
 * The enabled rules of the order's merchant and pipeline, with one of `actions`, whose count exceeds the threshold,
 * pipeline rules first, then oldest first. The window is (at − window, at]. A failure rule counts the other orders'
 * failures in it; an attempt rule counts the attempts since `at` − window up to this order's own, in commit order
 * (recorded first by {@link recordAttempts}): workflows' clocks of concurrent orders need not follow that order,
 * and a retried evaluation must not see attempts that came after it.
 * A rule counts the events of its own scope: a merchant rule those of all the merchant's pipelines, a pipeline rule
 * those of its pipeline, and, when it names a direction, only that direction's.
 */
export async function triggeredRules(
  q: Queryable,
  s: RuleSubject,
  actions: readonly RuleAction[],
): Promise<TriggeredRule[]> {
  const keys = eventKeys(s.requisites);
  if (keys.length === 0) return [];
  const rows: TriggeredRow[] = await q.query(
    `SELECT r.id, r.scope, r.requisite, r.counts, r.threshold, r.window_seconds, r.action, r.target_gateway_id,
            r.target_pipeline_id, c.n
       FROM routing_rules r
       JOIN unnest($1::text[], $2::text[]) AS k(requisite, key_hash) ON k.requisite = r.requisite
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS n
           FROM routing_events e
          WHERE e.merchant_id = $3 AND e.requisite = r.requisite AND e.key_hash = k.key_hash
            AND e.kind = CASE r.counts WHEN 'failed' THEN 'failure' ELSE 'attempt' END
            AND (r.scope = 'merchant' OR e.pipeline_id = r.pipeline_id)
            AND (r.direction IS NULL OR e.direction = r.direction)
            AND e.occurred_at > $5::timestamptz - make_interval(secs => r.window_seconds)
            AND CASE WHEN r.counts = 'attempts'
                  THEN e.seq <= (SELECT m.seq FROM routing_events m
                                  WHERE m.order_id = $6 AND m.kind = 'attempt' AND m.requisite = r.requisite)
                  ELSE e.occurred_at <= $5::timestamptz AND e.order_id <> $6 END
       ) c
      WHERE r.enabled AND r.action = ANY($8::text[])
        AND ((r.scope = 'merchant' AND r.merchant_id = $3) OR (r.scope = 'pipeline' AND r.pipeline_id = $4))
        AND (r.direction IS NULL OR r.direction = $7)
        AND c.n > r.threshold
      ORDER BY r.scope = 'pipeline' DESC, r.created_at, r.id`,
    [
      keys.map((k) => k.requisite),
      keys.map((k) => k.keyHash),
      s.merchantId,
      s.pipelineId,
      s.at,
      s.orderId,
      s.direction,
      [...actions],
    ],
  );
  return rows.map((r) => ({
    ruleId: r.id,
    scope: r.scope,
    requisite: r.requisite,
    counts: r.counts,
    threshold: r.threshold,
    windowSeconds: r.window_seconds,
    action: r.action,
    targetGatewayId: r.target_gateway_id,
    targetPipelineId: r.target_pipeline_id,
    count: r.n,
  }));
}

/**
 * The routing-rule step of the pre-checks: the order's attempts are recorded, then the first triggered `block`
 * rule fails the order with 1.2.4.43, naming the rule, the requisite type (never its value), the count and the
 * window. Runs after the black list and limits: the permanent blocks decide first.
 */
export async function checkRoutingRuleBlock(
  ds: Pick<DataSource, 'transaction' | 'query'>,
  s: RuleSubject,
): Promise<PreCheckResult> {
  const [rule] = await triggeredRules(ds, s, ['block']);
  await markBlocked(ds, s.orderId, rule !== undefined);
  if (!rule) return { ok: true };
  return {
    ok: false,
    code: CODES.PRECHECK_ROUTING_RULE,
    details: {
      check: 'routingRule',
      ruleId: rule.ruleId,
      scope: rule.scope,
      type: rule.requisite,
      counts: rule.counts,
      threshold: rule.threshold,
      windowSeconds: rule.windowSeconds,
      count: rule.count,
    },
  };
}
