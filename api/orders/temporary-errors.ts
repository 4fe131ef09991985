import type { ErrorRequestHandler } from 'express';
import { HttpError, loggableError } from '../errors';

// gRPC status codes of a Temporal frontend that could not be reached or did not answer in time.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
// SQLSTATE class 08 (connection exception), 57P01–03 (server shutting down / starting), 53300 (too many connections).
const PG_TEMPORARY = /^(08...|57P0[123]|53300)$/;
const PG_POOL_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Connection refused/i;

/**
 * True when the error (or anything in its cause chain) says PostgreSQL or Temporal could not be reached: the order
 * may or may not exist, and the merchant must retry with the same externalTransactionId.
 */
export function isTemporaryError(err: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const e = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      driverError?: unknown;
      errors?: unknown;
    };
    if (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED) return true;
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_TEMPORARY.test(e.code))) return true;
    if (typeof e.message === 'string' && PG_POOL_MESSAGES.test(e.message)) return true;
    queue.push(e.cause, e.driverError);
    if (Array.isArray(e.errors)) queue.push(...(e.errors as unknown[]));
  }
  return false;
}

/** Turns unreachable-dependency errors of the order routes into 423, PayStar's "temporary error, retry". */
export const temporaryErrorsAs423: ErrorRequestHandler = (err: unknown, req, _res, next) => {
  if (!(err instanceof HttpError) && isTemporaryError(err)) {
    req.log?.warn({ err: loggableError(err) }, 'order request failed on an unreachable dependency');
    next(
      new HttpError(
        423,
        'TEMPORARY_ERROR',
        'a backing service is temporarily unavailable; retry the same request with the same externalTransactionId',
      ),
    );
    return;
  }
  next(err);
};
