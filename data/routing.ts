import type { RouteCandidate, RouteRequest } from '../domain/operations-contract';
import { SANDBOX_ONLY_CONNECTORS } from '../gateways/connector-modes';
import type { Queryable } from './ledger';

/**
 * The gateways of the order's pipeline that accept it, in cascade order: enabled routes to enabled gateways whose
 * currency, amount range and method match (NULL = any), of a pipeline of the order's direction, to gateways of the
 * key's mode (never a sandbox-only connector for a live order). A gateway listed twice is tried once, at its first position. The pipeline's cascade settings cut the
 * list: one gateway with cascading off, at most `max_gateways` otherwise. Empty when nothing matches.
 *
 * The workflow calls this once and keeps the answer, so an order in flight is not affected by later changes.
 */
export async function resolveRoute(q: Queryable, req: RouteRequest): Promise<RouteCandidate[]> {
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
  const pipeline = rows[0];
  if (!pipeline) return candidates;
  return candidates.slice(0, pipeline.cascade_enabled ? (pipeline.max_gateways ?? candidates.length) : 1);
}
