import type { RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import type { Direction, KeyMode } from '../domain/order';
import { hashApiKey } from '../infra/security/api-keys';
import { authFailureGuard, DEFAULT_AUTH_FAILURE_LIMITS, type AuthFailureLimits } from './auth-failures';
import { HttpError } from './errors';

/** The merchant a request acts for, set by {@link merchantAuth}. */
export interface MerchantPrincipal {
  merchantId: string;
  scope: Direction;
  mode: KeyMode;
  /** The pipeline the key is bound to, if any. */
  pipelineId: string | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    merchant?: MerchantPrincipal;
  }
}

/**
 * Bearer-key authentication: 401 for a missing, unknown or revoked key, 403 for a key of the other pipeline
 * (PayStar keeps deposit and payout keys apart), 429 while the client or the key prefix has failed too often
 * (api/auth-failures.ts).
 */
export function merchantAuth(
  deps: { dataSource: DataSource; authFailureLimits?: AuthFailureLimits | undefined },
  allowed: readonly Direction[],
): RequestHandler {
  const { dataSource } = deps;
  const guard = authFailureGuard(dataSource, 'merchant', deps.authFailureLimits ?? DEFAULT_AUTH_FAILURE_LIMITS);
  return async (req, res, next) => {
    // Every merchant request starts here: the key looked up on the unique key_hash index in the same round trip as
    // the failure counters. A rotated key stays valid during its grace period: revoked_at is then in the future.
    const { found: key } = await guard.presentedKeyWith<{
      merchant_id: string;
      scope: Direction;
      mode: KeyMode;
      pipeline_id: string | null;
      revoked: boolean;
    }>(req, res, 'missing bearer key in the Authorization header', (presented) => ({
      sql: `SELECT merchant_id, scope, mode, pipeline_id, revoked_at <= now() AS revoked FROM api_keys WHERE key_hash = $2`,
      params: [hashApiKey(presented)],
    }));
    if (!key || key.revoked) return guard.refuse(req, res, 'unknown or revoked key');
    if (!allowed.includes(key.scope)) {
      throw new HttpError(403, 'FORBIDDEN', `a ${key.scope} key cannot be used here`);
    }
    req.merchant = { merchantId: key.merchant_id, scope: key.scope, mode: key.mode, pipelineId: key.pipeline_id };
    next();
  };
}
