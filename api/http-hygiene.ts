import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { HttpError } from './errors';

/**
 * Requests as clients really send them, made plain before any route sees them (issue 20): every malformed request
 * is a clear 4xx, never a 500.
 */

/** `//api/v1/…` (seed 003 prints it so) is `/api/v1/…`: repeated slashes of the path collapse, the query is kept. */
export const collapseSlashes: RequestHandler = (req, _res, next) => {
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  if (path.includes('//')) req.url = path.replace(/\/{2,}/g, '/') + (q === -1 ? '' : req.url.slice(q));
  next();
};

/** TRACE (and TRACK) echo requests back, headers included: refused everywhere. */
export const refuseTrace: RequestHandler = (req, res, next) => {
  if (req.method !== 'TRACE' && req.method !== 'TRACK') return next();
  res.setHeader('Allow', 'GET, HEAD, POST, PUT, PATCH, DELETE');
  next(new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed`));
};

/** C0 control characters other than tab, line feed and carriage return, and DEL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * The path must decode, and no decoded path segment may hold a control character (NUL included): PostgreSQL
 * cannot store NUL in text, and no id of ours contains one.
 */
export const checkPath: RequestHandler = (req, _res, next) => {
  for (const segment of req.path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return next(new HttpError(400, 'BAD_PATH', 'the path is not valid percent-encoding'));
    }
    if (CONTROL.test(decoded)) {
      return next(new HttpError(400, 'BAD_PATH', 'the path contains a control character'));
    }
  }
  next();
};

/** Where a control character sits in a JSON value, as a field path; undefined when there is none. */
function controlCharacterAt(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return CONTROL.test(value) ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const at = path ? `${path}.${k}` : k;
    if (CONTROL.test(k)) return at;
    const found = controlCharacterAt(v, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** No control character in the query or the JSON body (names and values): a 400 naming the field. */
export const refuseControlCharacters: RequestHandler = (req, _res, next) => {
  const where = controlCharacterAt(req.query, '') ?? controlCharacterAt(req.body, '');
  if (where === undefined) return next();
  const field = where || '(body)';
  next(
    new HttpError(400, 'VALIDATION_FAILED', `${field}: must not contain control characters`, [
      { field, message: 'must not contain control characters' },
    ]),
  );
};

const hasBody = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined ||
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/**
 * The JSON API reads UTF-8 JSON only (RFC 8259): a body of another type or charset is a 415. The gateway callbacks
 * read raw bodies, earlier.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (!req.path.startsWith('/api/') || !hasBody(req)) return next();
  if (req.is('application/json')) {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
    if (charset === undefined || /^utf-?8$/i.test(charset)) return next();
    return next(
      new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the body must be UTF-8 encoded JSON', [
        { field: 'Content-Type', message: 'charset must be utf-8' },
      ]),
    );
  }
  next(
    new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json (UTF-8)', [
      { field: 'Content-Type', message: 'must be application/json' },
    ]),
  );
};

/** body-parser's and the router's own 4xx errors (size, charset, encoding, a path that does not decode). */
const CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the body is larger than allowed' },
  'charset.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'the body must be UTF-8 encoded JSON',
  },
  'encoding.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'unsupported Content-Encoding; use gzip, deflate or none',
  },
  'request.size.invalid': { status: 400, code: 'BAD_REQUEST', message: 'the body does not match Content-Length' },
  'request.aborted': { status: 400, code: 'BAD_REQUEST', message: 'the request was aborted' },
  'entity.verify.failed': { status: 400, code: 'BAD_REQUEST', message: 'the body could not be read' },
  'stream.encoding.set': { status: 400, code: 'BAD_REQUEST', message: 'the body could not be read' },
  'parameters.too.many': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'too many parameters' },
};

/**
 * Turns errors that carry a client status (http-errors from body-parser, the router's undecodable parameters) into
 * HttpErrors with a stable code; anything else goes on to the error handler as it is.
 */
export const clientErrors: ErrorRequestHandler = (err: unknown, _req, _res, next) => {
  if (err instanceof HttpError) return next(err);
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown } | null;
  const known = typeof e?.type === 'string' ? CLIENT_ERRORS[e.type] : undefined;
  if (known) return next(new HttpError(known.status, known.code, known.message));
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 0;
  if (status >= 400 && status < 500 && e?.type !== 'entity.parse.failed') {
    return next(new HttpError(status, 'BAD_REQUEST', 'the request could not be read'));
  }
  next(err);
};
