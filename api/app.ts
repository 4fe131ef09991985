import { randomUUID } from 'node:crypto';
import express, { type Express, type Response } from 'express';
import type { LevelWithSilent } from 'pino';
import { pinoHttp } from 'pino-http';
import type { DataSource } from 'typeorm';
import type { Logger } from '../infra/logging/logger';
import type { Keyring } from '../infra/security/keyring';
import type { TemporalLinks } from './temporal-connections';
import type { AuthFailureLimits } from './auth-failures';
import { errorHandler, notFound } from './errors';
import {
  checkPath,
  clientErrors,
  collapseSlashes,
  refuseControlCharacters,
  refuseTrace,
  requireJsonBody,
} from './http-hygiene';
import { buildOpenApiDocument } from './openapi';
import { securityHeaders } from './security-headers';
import './openapi-extra-paths';
import { accountsRouter } from './accounts';
import { adminRouter, constraintErrors } from './admin';
import { ISSUE_BODY_LIMIT, issueFileBodies, issuesRouter } from './issues';
import { reportsRouter } from './reports';
import { balanceRouter } from './routes/balance';
import { codecServerRouter, redactCodecToken } from './routes/codec-server';
import { gatewayCallbacksRouter } from './routes/gateway-callbacks';
import { historyCodesRouter } from './routes/history-codes';
import { ordersRouter } from './routes/orders';
import { paymentFormRouter } from './routes/payment-form';
import { savedCardsRouter } from './routes/saved-cards';
import { healthRouter } from './routes/health';
import { webAppRouter } from './web-app';

/** What the HTTP layer needs; the API holds no state of its own, so any number of instances can run. */
export interface ApiDependencies {
  dataSource: DataSource;
  temporal: Pick<TemporalLinks, 'client' | 'probe'>;
  logger: Logger;
  /** The task queue order workflows are started on. */
  taskQueue: string;
  /** Key of the keyed hashes of card numbers (black-list matching without storing numbers). */
  secretsKey: string;
  /** The bootstrap admin key (ADMIN_KEY); without it only operators' keys open the admin API. */
  adminKey?: string | undefined;
  /** Limits of failed authentication (defaults: DEFAULT_AUTH_FAILURE_LIMITS). */
  authFailureLimits?: AuthFailureLimits | undefined;
  /** The master keys: the card vault, and the codec server's Temporal payloads. */
  keyring: Keyring;
  /** Browser origins (the Temporal Web UI) allowed to call the codec server. */
  codecCorsOrigins?: string[] | undefined;
  /** The credential in the path of the header-less codec endpoint (/codec/t/<token>); unset, it does not exist. */
  codecUrlToken?: string | undefined;
  /** How long a hosted payment form waits for a card (PAYFORM_LIFETIME_SECONDS); the workflow's 30 minutes if unset. */
  payformLifetimeMs?: number | undefined;
  /** How many cards a payer may try after declines (PAYFORM_CARD_TRIES); the workflow's 3 if unset. */
  payformCardTries?: number | undefined;
  /** Where operators open the Temporal Web UI (TEMPORAL_UI_URL): the order page links each order's workflow there. */
  temporalUiUrl?: string | undefined;
}

/** The Express application: thin handlers over PostgreSQL reads and Temporal calls. */
export function createApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // Security headers on every answer; the policy is in security-headers.ts.
  app.use(securityHeaders());
  app.use(collapseSlashes);
  app.use(refuseTrace);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const fromClient = req.headers['x-request-id'];
        const id = typeof fromClient === 'string' && /^[\w.-]{1,128}$/.test(fromClient) ? fromClient : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // A route may log its successful answers below info (res.locals.successLogLevel): the order status reads,
      // which merchants poll more than they call anything else, log at debug (docs/benchmarks.md). Refusals and
      // failures, and everything else, stay at info.
      customLogLevel: (_req, res, err) => {
        const quieter = (res as unknown as Response).locals?.successLogLevel as LevelWithSilent | undefined;
        return !err && res.statusCode < 400 && quieter ? quieter : 'info';
      },
      // Log the path without the query string, and no headers at all: keys travel in Authorization.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: redactCodecToken(req.url.split('?')[0]!),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(checkPath);
  // Gateways sign their raw bodies: their callbacks are read before the JSON parser touches them.
  app.use(gatewayCallbacksRouter(deps));
  // Payload batches of the Temporal UI can be larger than the JSON limit of the rest of the API.
  app.use(codecServerRouter(deps));
  app.use(requireJsonBody);
  // Requests that may carry files (attachments, base64) get a larger limit than the rest of the API.
  app.use(issueFileBodies, express.json({ limit: ISSUE_BODY_LIMIT }));
  app.use(express.json({ limit: '100kb' }));
  app.use(refuseControlCharacters);

  // Built on first use: routers register their paths when they are created, below.
  let openApiDocument: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get('/openapi.json', (_req, res) => {
    openApiDocument ??= buildOpenApiDocument();
    res.json(openApiDocument);
  });
  app.use(healthRouter({ dataSource: deps.dataSource, temporalProbe: deps.temporal.probe }));
  app.use(balanceRouter(deps));
  app.use(ordersRouter(deps));
  app.use(paymentFormRouter(deps));
  app.use(savedCardsRouter(deps));
  app.use(historyCodesRouter());
  app.use(accountsRouter(deps));
  app.use(issuesRouter(deps));
  app.use(['/api/v1/issues', '/api/v1/secrets'], constraintErrors);
  app.use(adminRouter(deps));
  app.use(reportsRouter(deps));
  app.use(webAppRouter());

  app.use(notFound);
  app.use(clientErrors);
  app.use(errorHandler);
  return app;
}
