import { ApplicationFailure } from '@temporalio/common';
import { CODES } from '../../domain/history-codes';
import type { PreCheckRequest, PreCheckResult } from '../../domain/operations-contract';
import { normalizeRequisite, RequisiteFormatError } from '../../domain/requisite-normalization';
import type { OrderRequisites, RequisiteType } from '../../domain/requisites';
import { type Queryable, toSafeInteger } from '../../data/ledger';
import type { LimitEntity } from '../../entities/limit.entity';
import type { RowOf } from '../../entities/rows';

type Scope = 'merchant' | 'pipeline';

/** Black list first, then limits; the first hit decides the result. */
export async function runPreChecks(q: Queryable, req: PreCheckRequest): Promise<PreCheckResult> {
  return (await checkBlacklist(q, req)) ?? (await checkLimits(q, req)) ?? { ok: true };
}

/** The order's requisites as the black list stores them, in the order hits are reported. */
export function blacklistKeys(r: OrderRequisites): Array<{ type: RequisiteType; value: string }> {
  const keys: Array<{ type: RequisiteType; value: string }> = [];
  // The fingerprint is an HMAC the API computed; there is nothing to normalise without the card number.
  if (r.cardFingerprint) keys.push({ type: 'card', value: r.cardFingerprint });
  for (const type of ['email', 'ip', 'phone', 'payeerIdentifier'] as const) {
    const raw = r[type];
    if (raw && raw.trim() !== '') keys.push({ type, value: normalizedOrTrimmed(type, raw) });
  }
  return keys;
}

function normalizedOrTrimmed(type: RequisiteType, raw: string): string {
  try {
    return normalizeRequisite(type, raw);
  } catch (err) {
    // The API refuses malformed requisites; should one slip through, compare what we have rather than fail the
    // activity forever (a retry would not make it well-formed).
    if (err instanceof RequisiteFormatError) return raw.trim();
    throw err;
  }
}

async function checkBlacklist(q: Queryable, req: PreCheckRequest): Promise<PreCheckResult | null> {
  const keys = blacklistKeys(req.requisites);
  if (keys.length === 0) return null;
  const hits: Array<{ id: string; type: RequisiteType; scope: Scope }> = await q.query(
    `SELECT b.id, b.type, b.scope
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS r(type, value, ord)
       JOIN blacklist_entries b ON b.type = r.type AND b.value = r.value
      WHERE (b.scope = 'merchant' AND b.merchant_id = $3) OR (b.scope = 'pipeline' AND b.pipeline_id = $4)
      ORDER BY r.ord, b.scope = 'pipeline', b.created_at, b.id
      LIMIT 1`,
    [keys.map((k) => k.type), keys.map((k) => k.value), req.merchantId, req.pipelineId],
  );
  const hit = hits[0];
  if (!hit) return null;
  return {
    ok: false,
    code: CODES.PRECHECK_BLACKLIST,
    details: { check: 'blacklist', type: hit.type, scope: hit.scope, entryId: hit.id },
  };
}

type LimitRow = RowOf<
  LimitEntity,
  'scope' | 'minAmountMinor' | 'maxAmountMinor' | 'dailyVolumeMinor' | 'dailyCount',
  'minAmountMinor' | 'maxAmountMinor' | 'dailyVolumeMinor'
>;

async function checkLimits(q: Queryable, req: PreCheckRequest): Promise<PreCheckResult | null> {
  const rows: LimitRow[] = await q.query(
    `SELECT scope, min_amount_minor, max_amount_minor, daily_volume_minor, daily_count
       FROM limits
      WHERE direction = $1 AND currency = $2
        AND ((scope = 'merchant' AND merchant_id = $3) OR (scope = 'pipeline' AND pipeline_id = $4))
      ORDER BY scope = 'pipeline'`,
    [req.direction, req.currency, req.merchantId, req.pipelineId],
  );
  for (const row of rows) {
    const failure = await checkLimitRow(q, req, row);
    if (failure) return failure;
  }
  return null;
}

async function checkLimitRow(q: Queryable, req: PreCheckRequest, row: LimitRow): Promise<PreCheckResult | null> {
  const fail = (limit: string, bound: Record<string, number>, actual: number): PreCheckResult => ({
    ok: false,
    code: CODES.PRECHECK_LIMIT,
    details: { check: 'limit', limit, scope: row.scope, ...bound, actual },
  });
  const min = row.min_amount_minor === null ? null : toSafeInteger(row.min_amount_minor);
  const max = row.max_amount_minor === null ? null : toSafeInteger(row.max_amount_minor);
  if (min !== null && req.amountMinor < min) return fail('min', { limitMinor: min }, req.amountMinor);
  if (max !== null && req.amountMinor > max) return fail('max', { limitMinor: max }, req.amountMinor);
  if (row.daily_volume_minor === null && row.daily_count === null) return null;

  const today = await dailyUsage(q, req, row.scope);
  if (row.daily_volume_minor !== null) {
    const limit = toSafeInteger(row.daily_volume_minor);
    const actual = today.volumeMinor + req.amountMinor;
    if (actual > limit) return fail('dailyVolume', { limitMinor: limit }, actual);
  }
  if (row.daily_count !== null && today.count + 1 > row.daily_count) {
    return fail('dailyCount', { limitCount: row.daily_count }, today.count + 1);
  }
  return null;
}

/**
 * What the merchant (or pipeline) already did today in this direction and currency: orders created on the UTC
 * day of `req.at` that are not Failed, this order excluded (the caller adds it, so a retried check counts it once).
 * In-flight orders count: they may still succeed, and leaving them out would let a burst of concurrent orders
 * pass a limit that each of them alone respects.
 */
async function dailyUsage(q: Queryable, req: PreCheckRequest, scope: Scope) {
  const at = new Date(req.at);
  if (Number.isNaN(at.getTime())) {
    throw ApplicationFailure.create({ type: 'InvalidPreCheckRequest', message: `at ${req.at}`, nonRetryable: true });
  }
  const dayStart = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const dayEnd = new Date(dayStart.getTime() + 24 * 60 * 60 * 1000);
  const owner = scope === 'merchant' ? 'merchant_id' : 'pipeline_id';
  const rows: Array<{ volume: string; count: number }> = await q.query(
    `SELECT coalesce(sum(amount_minor), 0)::text AS volume, count(*)::int AS count
       FROM orders
      WHERE ${owner} = $1 AND direction = $2 AND currency = $3 AND status <> 'Failed' AND id <> $4
        AND created_at >= $5 AND created_at < $6`,
    [
      scope === 'merchant' ? req.merchantId : req.pipelineId,
      req.direction,
      req.currency,
      req.orderId,
      dayStart.toISOString(),
      dayEnd.toISOString(),
    ],
  );
  return { volumeMinor: toSafeInteger(rows[0]?.volume ?? 0), count: rows[0]?.count ?? 0 };
}
