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

/** The generated document. */
export function buildOpenApiDocument() {
  return new OpenApiGeneratorV31(openApiRegistry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'PayStar orchestration engine',
      version: '0.1.0',
      description: 'PayStar-compatible merchant API; every deposit and payout runs as a durable Temporal workflow.',
    },
    servers: [{ url: '/' }],
  });
}
