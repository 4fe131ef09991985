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
  req.log?.error({ err }, 'unhandled error');
  res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error' } });
};

/** A 400 naming one bad field, in the shape zod validation failures are answered with. */
export function invalidField(field: string, message: string): HttpError {
  return new HttpError(400, 'VALIDATION_FAILED', `${field}: ${message}`, [{ field, message }]);
}
