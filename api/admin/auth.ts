import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { OperatorEntity } from '../../entities/operator.entity';
import { hashApiKey } from '../../infra/security/api-keys';
import { authFailureGuard, DEFAULT_AUTH_FAILURE_LIMITS, type AuthFailureLimits } from '../auth-failures';

/** Who is making an admin request, as the audit log records it. */
export interface AdminPrincipal {
  /** The operator's name, or {@link BOOTSTRAP_ACTOR} for the ADMIN_KEY setting. */
  actor: string;
  operatorId: string | null;
}

/** The audit log's name for requests made with the ADMIN_KEY setting rather than an operator's own key. */
export const BOOTSTRAP_ACTOR = 'admin-key';

declare module 'express-serve-static-core' {
  interface Request {
    admin?: AdminPrincipal;
  }
}

/**
 * Admin authentication: the ADMIN_KEY setting (the bootstrap key, to create the first operators) or an operator's
 * own key, never a merchant key. Everything else is 401, with the same message, so a probe learns nothing.
 */
export function adminAuth(
  dataSource: DataSource,
  adminKey: string | undefined,
  limits: AuthFailureLimits = DEFAULT_AUTH_FAILURE_LIMITS,
): RequestHandler {
  const bootstrapDigest = adminKey ? Buffer.from(hashApiKey(adminKey), 'hex') : null;
  const guard = authFailureGuard(dataSource, 'admin', limits);
  return async (req, res, next) => {
    const presented = await guard.presentedKey(req, res, 'missing admin key in the Authorization header');
    const digest = hashApiKey(presented);
    // Digests have the same length whatever the key, so timingSafeEqual never throws and leaks no length.
    if (bootstrapDigest && timingSafeEqual(bootstrapDigest, Buffer.from(digest, 'hex'))) {
      req.admin = { actor: BOOTSTRAP_ACTOR, operatorId: null };
      return next();
    }
    const operator = await dataSource.getRepository(OperatorEntity).findOneBy({ keyHash: digest });
    if (!operator || operator.revokedAt) return guard.refuse(req, res, 'not a valid admin key');
    req.admin = { actor: operator.name, operatorId: operator.id };
    next();
  };
}
