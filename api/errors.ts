import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';

/** An error with an HTTP status and a stable code, thrown by handlers and rendered by {@link errorHandler}. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Array<{ field: string; message: string }>,
  ) {
    super(message);
  }
}

/** 404 for paths nobody serves. */
export const notFound: RequestHandler = (req, _res, next) =>
  next(new HttpError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));

/** Maps every error to one JSON shape; unexpected errors are logged and answered without internals. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (err instanceof ZodError) {
    const details = err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
    res.status(400).json({
      error: {
        code: 'VALIDATION_FAILED',
        message: details.map((d) => `${d.field}: ${d.message}`).join('; '),
        details,
      },
    });
    return;
  }
  if (err instanceof HttpError) {
    res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
    return;
  }
  const parseFailure = err as { type?: string; status?: number };
  if (parseFailure.type === 'entity.parse.failed') {
    res.status(400).json({ error: { code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' } });
    return;
  }
  req.log?.error({ err: loggableError(err) }, 'unhandled error');
  res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error' } });
};

/**
 * What of an unexpected error may be logged: never a database error's query, parameters or messages (they quote
 * the values: card tokens, holders, URLs, black-list entries), only which rule and where; for other errors their
 * name, message and stack.
 */
export function loggableError(err: unknown): Record<string, unknown> {
  const e = err as {
    name?: unknown;
    message?: unknown;
    stack?: unknown;
    driverError?: Record<string, unknown>;
    code?: unknown;
    routine?: unknown;
  } | null;
  const pg = e?.driverError ?? (typeof e?.code === 'string' && typeof e?.routine === 'string' ? e : undefined);
  if (pg || e?.name === 'QueryFailedError') {
    const d = (pg ?? {}) as Record<string, unknown>;
    return {
      type: 'DatabaseError',
      code: d['code'],
      constraint: d['constraint'],
      table: d['table'],
      column: d['column'],
      routine: d['routine'],
    };
  }
  if (err instanceof Error) return { type: err.name, message: err.message, stack: err.stack };
  return { type: typeof err };
}

/** A 400 naming one bad field, in the shape zod validation failures are answered with. */
export function invalidField(field: string, message: string): HttpError {
  return new HttpError(400, 'VALIDATION_FAILED', `${field}: ${message}`, [{ field, message }]);
}
