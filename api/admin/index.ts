import { Router, type ErrorRequestHandler } from 'express';
import { QueryFailedError } from 'typeorm';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { adminOrderActionsRouter } from './order-actions';
import { adminOrdersRouter } from './orders';
import { auditLogRouter } from './audit-log';
import { adminAccess } from '../accounts/access';
import { blacklistRouter } from './blacklist';
import { commissionsRouter } from './commissions';
import { gatewayAnswersRouter } from './gateway-answers';
import { gatewaysRouter } from './gateways';
import { limitsRouter } from './limits';
import { merchantsRouter } from './merchants';
import { operatorsRouter } from './operators';
import { pipelinesRouter } from './pipelines';
import { routingRulesRouter } from './routing-rules';

/**
 * The admin API under /api/v1/admin (docs/admin-api.md): operators configure merchants and keys, gateways,
 * pipelines and routing, limits, commissions, the black list and routing rules; every change goes to the audit log. Every change
 * is read by the next order that starts; no process needs a restart.
 */
export function adminRouter(deps: ApiDependencies & { adminKey?: string | undefined }): Router {
  const router = Router();
  // An operator key, or an operator's session with a role that allows the request (api/accounts/permissions.ts).
  router.use('/api/v1/admin', adminAccess(deps));
  for (const child of [
    operatorsRouter,
    merchantsRouter,
    gatewaysRouter,
    gatewayAnswersRouter,
    pipelinesRouter,
    limitsRouter,
    commissionsRouter,
    blacklistRouter,
    routingRulesRouter,
    auditLogRouter,
    adminOrdersRouter,
    adminOrderActionsRouter,
  ]) {
    router.use(child(deps));
  }
  router.use('/api/v1/admin', constraintErrors);
  return router;
}

/**
 * PostgreSQL's verdicts on a change, as answers an operator can act on: a duplicate is 409, a reference to a row
 * that does not exist is 404, a broken rule of the schema is 400. The constraint's name says which rule.
 */
export const constraintErrors: ErrorRequestHandler = (err: unknown, _req, _res, next) => {
  if (!(err instanceof QueryFailedError)) return next(err);
  const pg = err.driverError as { code?: string; constraint?: string; detail?: string };
  const rule = pg.constraint ?? 'a schema rule';
  if (pg.code === '23505') return next(new HttpError(409, 'CONFLICT', `already exists (${rule})`));
  if (pg.code === '23503') {
    return next(new HttpError(404, 'REFERENCE_NOT_FOUND', `a referenced row does not exist (${rule})`));
  }
  if (pg.code === '23514' || pg.code === '23502') {
    return next(new HttpError(400, 'CONSTRAINT_VIOLATED', `the change breaks ${rule}`));
  }
  if (pg.code === '22P02') return next(new HttpError(400, 'VALIDATION_FAILED', 'a value has the wrong format'));
  next(err);
};
