import type { RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import type { Direction, KeyMode } from '../domain/order';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { hashApiKey } from '../infra/security/api-keys';
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
 * (PayStar keeps deposit and payout keys apart).
 */
export function merchantAuth(dataSource: DataSource, allowed: readonly Direction[]): RequestHandler {
  return async (req, _res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match) throw new HttpError(401, 'UNAUTHORIZED', 'missing bearer key in the Authorization header');
    const key = await dataSource.getRepository(ApiKeyEntity).findOneBy({ keyHash: hashApiKey(match[1]!) });
    // A rotated key may stay valid for a grace period: revoked_at is then in the future.
    if (!key || (key.revokedAt && key.revokedAt.getTime() <= Date.now()))
      throw new HttpError(401, 'UNAUTHORIZED', 'unknown or revoked key');
    if (!allowed.includes(key.scope)) {
      throw new HttpError(403, 'FORBIDDEN', `a ${key.scope} key cannot be used here`);
    }
    req.merchant = { merchantId: key.merchantId, scope: key.scope, mode: key.mode, pipelineId: key.pipelineId };
    next();
  };
}
