import type { Request, Response } from 'express';
import { ipKeyGenerator, rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import type { DataSource } from 'typeorm';
import { keyPrefix } from '../infra/security/api-keys';
import { PostgresRateLimitStore } from '../infra/security/postgres-rate-limit-store';
import { HttpError } from './errors';

/** How many failed authentications a client, and a key prefix, may have in a window before they get 429s. */
export interface AuthFailureLimits {
  windowMs: number;
  perClient: number;
  perKeyPrefix: number;
  /** Prefixes every counter's name; tests give each API its own, production leaves it empty. */
  namespace?: string;
}

export const DEFAULT_AUTH_FAILURE_LIMITS: AuthFailureLimits = {
  windowMs: 15 * 60_000,
  perClient: 30,
  perKeyPrefix: 10,
};

/** The bearer key of a request, or null. */
export function bearerKey(req: Request): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match ? match[1]! : null;
}

/**
 * The public prefix a guess names, when the guess has the current key shape (kind and public id): those are the
 * guesses aimed at one key. Other shapes are counted per client only, so nobody can lock out every key of a kind.
 */
function targetedPrefix(req: Request): string | undefined {
  const key = bearerKey(req);
  const prefix = key === null ? '…' : keyPrefix(key);
  return /_[a-z2-7]{10}…$/.test(prefix) ? prefix : undefined;
}

const clientOf = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');

/**
 * Rate limiting of failed authentication (express-rate-limit over a PostgreSQL store, so it holds across API
 * processes), per client address and per key prefix. `check` runs before a key is looked up and answers 429 while
 * either counter is over its limit, whatever key is presented; `failed` counts a 401.
 */
export function authFailureGuard(
  dataSource: DataSource,
  api: 'merchant' | 'admin' | 'sign-in',
  limits: AuthFailureLimits,
  /** What a guess aims at, counted against perKeyPrefix (sign-in: the account); by default the key prefix. */
  targetOf: (req: Request) => string | undefined = targetedPrefix,
) {
  const namespace = `${limits.namespace ?? ''}${api}:`;
  const clientStore = new PostgresRateLimitStore(dataSource, `${namespace}client:`);
  const prefixStore = new PostgresRateLimitStore(dataSource, `${namespace}prefix:`);
  const tooMany = (resetTime: Date | undefined) =>
    new HttpError(
      429,
      'TOO_MANY_FAILED_AUTHENTICATIONS',
      `too many failed authentications; try again after ${(resetTime ?? new Date()).toISOString()}`,
    );
  const limiter = (store: PostgresRateLimitStore, limit: number, key: (req: Request) => string) =>
    rateLimit({
      windowMs: limits.windowMs,
      limit,
      store,
      keyGenerator: key,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Over the limit: the error handler answers, like every other error.
      handler: (req, _res, next) =>
        next(tooMany((req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime)),
      validate: { singleCount: false },
    });
  const byClient: RateLimitRequestHandler = limiter(clientStore, limits.perClient, clientOf);
  const byPrefix: RateLimitRequestHandler = limiter(prefixStore, limits.perKeyPrefix, (req) => targetOf(req)!);
  const run = (handler: RateLimitRequestHandler, req: Request, res: Response) =>
    new Promise<void>((resolve, reject) => {
      void handler(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
    });

  /** The counters `check` reads: the client's, and the key prefix's when the request aims at one. */
  const countersOf = (req: Request): string[] => {
    const prefix = targetOf(req);
    return [clientStore.prefix + clientOf(req), ...(prefix ? [prefixStore.prefix + prefix] : [])];
  };

  const guard = {
    /**
     * Throws a 429 while the client or the key prefix is over its limit; otherwise returns what `find` found.
     * One round trip for both counters and, when given, the caller's own lookup of what was presented: `find.sql`
     * selects at most one row and numbers its parameters from $2 ($1 is the counters'). The row comes back through
     * `row_to_json` (times as ISO strings). The 429 wins whatever was found, as when the two were read apart.
     */
    async checkAndFind<Row>(req: Request, find?: { sql: string; params: unknown[] }): Promise<Row | undefined> {
      const counters = countersOf(req);
      const [row]: Array<{
        failures: Array<{ key: string; hits: number; reset_at: string }> | null;
        found: Row | null;
      }> = await dataSource.query(
        `SELECT (SELECT json_agg(json_build_object('key', key, 'hits', hits, 'reset_at', reset_at))
                     FROM auth_failures WHERE key = ANY($1::text[]) AND reset_at > now()) AS failures,
                  ${find ? `(SELECT row_to_json(found) FROM (${find.sql}) found)` : 'NULL'} AS found`,
        [counters, ...(find?.params ?? [])],
      );
      const hits = (key: string) => row?.failures?.find((f) => f.key === key);
      const [clientKey, prefixKey] = counters;
      const client = hits(clientKey!);
      if (client && client.hits >= limits.perClient) throw tooMany(new Date(client.reset_at));
      const target = prefixKey === undefined ? undefined : hits(prefixKey);
      if (target && target.hits >= limits.perKeyPrefix) throw tooMany(new Date(target.reset_at));
      return row?.found ?? undefined;
    },
    /** Throws a 429 while the client or the key prefix is over its limit. One round trip. */
    async check(req: Request): Promise<void> {
      await guard.checkAndFind(req);
    },
    /** Counts a failed authentication and throws its 401 (or the 429 it crossed into). */
    async refuse(req: Request, res: Response, message: string): Promise<never> {
      await run(byClient, req, res);
      if (targetOf(req)) await run(byPrefix, req, res);
      throw new HttpError(401, 'UNAUTHORIZED', message);
    },
    /** The presented bearer key, once the limits allow trying it; no key at all is a refusal with `missing`. */
    async presentedKey(req: Request, res: Response, missing: string): Promise<string> {
      return (await guard.presentedKeyWith(req, res, missing)).presented;
    },
    /**
     * The presented bearer key and what `find` looked up for it, in the limits' check's round trip
     * ({@link checkAndFind}); no key at all is a refusal with `missing`.
     */
    async presentedKeyWith<Row>(
      req: Request,
      res: Response,
      missing: string,
      find?: (presented: string) => { sql: string; params: unknown[] },
    ): Promise<{ presented: string; found: Row | undefined }> {
      const presented = bearerKey(req);
      const found = await guard.checkAndFind<Row>(req, presented === null ? undefined : find?.(presented));
      if (presented === null) return guard.refuse(req, res, missing);
      return { presented, found };
    },
  };
  return guard;
}
