import type { RouteCandidate, RouteRequest } from '../domain/operations-contract';
import { SANDBOX_ONLY_CONNECTORS } from '../gateways/connector-modes';
import type { Queryable } from './ledger';
import { SOFT_ACTIONS, triggeredRules, type RuleSubject } from './routing-rules';

/**
 * The gateways of the order's pipeline that accept it, in cascade order: enabled routes to enabled gateways whose
 * currency, amount range and method match (NULL = any), of a pipeline of the order's direction, to gateways of the
 * key's mode (never a sandbox-only connector for a live order). A gateway listed twice is tried once, at its first position. The pipeline's cascade settings cut the
 * list: one gateway with cascading off, at most `max_gateways` otherwise. Empty when nothing matches.
 *
 * Routing rules with time windows whose threshold the order's requisites exceeded act here (docs/routing-rules.md):
 * `to-gateway` routes to that gateway alone, `to-pipeline` takes the other pipeline's gateways, `lower-gateway`
 * moves a gateway to the end of the list. Requests without the order's identity (older workflows) skip them.
 *
 * The workflow calls this once and keeps the answer, so an order in flight is not affected by later changes.
 */
export async function resolveRoute(q: Queryable, req: RouteRequest): Promise<RouteCandidate[]> {
  const subject = ruleSubjectOf(req);
  const rules = subject ? await triggeredRules(q, subject, SOFT_ACTIONS) : [];
  const redirect = rules.find((r) => r.action === 'to-pipeline' || r.action === 'to-gateway');
  if (redirect?.action === 'to-gateway') {
    const target = await usableGateway(q, redirect.targetGatewayId!, req.mode);
    if (target) return [target];
  }
  const pipelineId = redirect?.action === 'to-pipeline' ? redirect.targetPipelineId! : req.pipelineId;
  const lowered = rules.filter((r) => r.action === 'lower-gateway').map((r) => r.targetGatewayId!);
  return pipelineCandidates(q, { ...req, pipelineId }, lowered);
}

/** The routing-rule view of the request; null for requests without the order's identity (older workflows). */
function ruleSubjectOf(req: RouteRequest): RuleSubject | null {
  if (!req.orderId || !req.merchantId || !req.requisites || !req.at) return null;
  const { orderId, merchantId, pipelineId, direction, requisites, at } = req;
  return { orderId, merchantId, pipelineId, direction, requisites, at };
}

/**
 * A rule's target gateway, when it can take the order at all: enabled, of the order's mode, never a sandbox-only
 * connector for a live order. Null otherwise, and the order is routed as if the rule had not fired.
 */
async function usableGateway(q: Queryable, gatewayId: string, mode: RouteRequest['mode']) {
  const rows: Array<{ id: string; name: string }> = await q.query(
    `SELECT id, name FROM gateways
      WHERE id = $1 AND enabled AND mode = $2 AND (mode = 'sandbox' OR connector <> ALL($3::text[]))`,
    [gatewayId, mode, SANDBOX_ONLY_CONNECTORS],
  );
  return rows[0] ? { gatewayId: rows[0].id, name: rows[0].name } : null;
}

/** The pipeline's candidates; `lowered` gateways (rules' lower-gateway actions) move to the end before the cut. */
async function pipelineCandidates(q: Queryable, req: RouteRequest, lowered: string[]): Promise<RouteCandidate[]> {
  const rows: Array<{ gateway_id: string; name: string; cascade_enabled: boolean; max_gateways: number | null }> =
    await q.query(
      `SELECT r.gateway_id, g.name, p.cascade_enabled, p.max_gateways
       FROM routes r
       JOIN pipelines p ON p.id = r.pipeline_id
       JOIN gateways g ON g.id = r.gateway_id
      WHERE r.pipeline_id = $1 AND p.direction = $2 AND r.enabled AND g.enabled
        AND (r.currency IS NULL OR r.currency = $3)
        AND (r.min_amount_minor IS NULL OR r.min_amount_minor <= $4)
        AND (r.max_amount_minor IS NULL OR r.max_amount_minor >= $4)
        AND (r.method IS NULL OR r.method = $5)
        AND g.mode = $6 AND (g.mode = 'sandbox' OR g.connector <> ALL($7::text[]))
      ORDER BY r.position`,
      [req.pipelineId, req.direction, req.currency, req.amountMinor, req.method, req.mode, SANDBOX_ONLY_CONNECTORS],
    );
  const seen = new Set<string>();
  const candidates = rows
    .filter((r) => !seen.has(r.gateway_id) && seen.add(r.gateway_id))
    .map((r) => ({ gatewayId: r.gateway_id, name: r.name }));
  for (const gatewayId of lowered) {
    const at = candidates.findIndex((c) => c.gatewayId === gatewayId);
    if (at >= 0) candidates.push(...candidates.splice(at, 1));
  }
  const pipeline = rows[0];
  if (!pipeline) return candidates;
  return candidates.slice(0, pipeline.cascade_enabled ? (pipeline.max_gateways ?? candidates.length) : 1);
}
