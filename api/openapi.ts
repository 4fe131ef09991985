import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/**
 * Every route registers its zod schemas here; the OpenAPI document at /openapi.json is generated from the same
 * schemas that validate requests, so the two cannot drift apart.
 */
export const openApiRegistry = new OpenAPIRegistry();

/** Bearer authentication with a merchant key (deposit and payout keys are distinct). */
export const merchantBearer = openApiRegistry.registerComponent('securitySchemes', 'merchantKey', {
  type: 'http',
  scheme: 'bearer',
  description: 'A merchant API key. Deposit keys work only on deposit paths, payout keys only on payout paths.',
});

/** The error body of every 4xx/5xx answer. */
export const ErrorBody = openApiRegistry.register(
  'Error',
  z.object({
    error: z.object({
      code: z.string().openapi({ example: 'UNAUTHORIZED' }),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  }),
);

/**
 * What the route declarations leave implicit, made explicit in the document (issue 20): the answers every route
 * may give because of the shared middleware (400 for a path that does not decode or a control character, 413 and
 * 415 for bodies, 401 and 429 for keys) and an operationId on every operation.
 */
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Operation = {
  operationId?: string;
  security?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
};
type Document = { paths?: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>> };

const errorAnswer = (description: string, example: { code: string; message: string }) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: { error: example } } },
});

const COMMON = {
  400: errorAnswer('Malformed request: a path that does not decode, a control character, or an invalid field', {
    code: 'VALIDATION_FAILED',
    message: 'externalTransactionId: must not contain control characters',
  }),
  401: errorAnswer('Missing, unknown or revoked key', { code: 'UNAUTHORIZED', message: 'unknown or revoked key' }),
  413: errorAnswer('The body is larger than 100 kB', {
    code: 'PAYLOAD_TOO_LARGE',
    message: 'the body is larger than allowed',
  }),
  415: errorAnswer('The body is not UTF-8 JSON, or its Content-Encoding is not gzip, deflate or none', {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'the body must be application/json (UTF-8)',
  }),
  429: errorAnswer('Too many failed authentications from this client or for this key prefix; retry later', {
    code: 'TOO_MANY_FAILED_AUTHENTICATIONS',
    message: 'too many failed authentications; try again after 2026-01-01T00:15:00.000Z',
  }),
} as const;

/** `post /api/v1/admin/gateways/{id}` → `postApiV1AdminGatewaysById`. */
function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part);
      return param ? `By${param[1]![0]!.toUpperCase()}${param[1]!.slice(1)}` : part;
    })
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return method + words.join('');
}

/** Adds the implicit answers and operationIds, in place. */
export function completeDocument<D extends Document>(doc: D): D {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      op.operationId ??= operationIdOf(method, path);
      const responses = (op.responses ??= {});
      const add = (status: keyof typeof COMMON) => {
        responses[status] ??= COMMON[status];
      };
      add(400);
      if (op.requestBody) {
        add(413);
        add(415);
      }
      if (op.security?.length) {
        add(401);
        add(429);
      }
    }
  }
  return doc;
}

/** The generated document. */
export function buildOpenApiDocument() {
  return completeDocument(
    new OpenApiGeneratorV31(openApiRegistry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'PayStar orchestration engine',
        version: '0.1.0',
        description: 'PayStar-compatible merchant API; every deposit and payout runs as a durable Temporal workflow.',
      },
      servers: [{ url: '/' }],
    }),
  );
}
