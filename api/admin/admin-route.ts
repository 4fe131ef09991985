import type { Request, Router } from 'express';
import { z } from 'zod';
import { sessionCookie } from '../accounts/schemas';
import { ErrorBody, openApiRegistry } from '../openapi';

/** Bearer authentication with the ADMIN_KEY setting or an operator's key (never a merchant key). */
export const adminBearer = openApiRegistry.registerComponent('securitySchemes', 'adminKey', {
  type: 'http',
  scheme: 'bearer',
  description: "The ADMIN_KEY setting (bootstrap) or an operator's key from POST /api/v1/admin/operators.",
});

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const Empty = z.object({});
type Empty = typeof Empty;

/** One admin endpoint: its path (OpenAPI `{param}` style), schemas, answers, and what else it may answer. */
export interface AdminRouteDefinition<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Relative to /api/v1/admin, e.g. `/blacklist/{id}`. */
  path: string;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  response: z.ZodType;
  status?: 200 | 201;
  /** Answers other than 200/201, 400 and 401, which every admin endpoint may give. */
  errors?: Partial<Record<404 | 409 | 422 | 503, string>>;
}

export const json = (schema: z.ZodType) => ({ 'application/json': { schema } });

/** The request part of an OpenAPI operation, from a route's zod schemas (also used by api/accounts/route.ts). */
export const openApiRequest = (def: { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType }) => ({
  ...(def.params ? { params: def.params as unknown as z.ZodObject } : {}),
  ...(def.query ? { query: def.query as unknown as z.ZodObject } : {}),
  ...(def.body ? { body: { content: json(def.body), required: true } } : {}),
});

/**
 * Declares an admin endpoint once: it is mounted on the router and registered in the OpenAPI document from the same
 * zod schemas, which also parse the request (a bad field is a 400 naming it) and the answer (so the document never
 * promises a shape the code does not keep).
 */
export function adminRoute<P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty>(
  router: Router,
  def: AdminRouteDefinition<P, Q, B>,
  handler: (input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B>; req: Request }) => Promise<unknown>,
): void {
  const path = `/api/v1/admin${def.path}`;
  const status = def.status ?? 200;
  if (!registered.has(`${def.method} ${path}`)) registerPath(def, path, status);
  router[def.method](path.replace(/\{(\w+)\}/g, ':$1'), async (req, res) => {
    const input = {
      params: (def.params ?? Empty).parse(req.params) as z.infer<P>,
      query: (def.query ?? Empty).parse(req.query) as z.infer<Q>,
      body: (def.body ?? z.unknown()).parse(req.body) as z.infer<B>,
      req,
    };
    res.status(status).json(def.response.parse(await handler(input)));
  });
}

/** Paths already in the OpenAPI registry: an app built twice in one process (tests) must not list them twice. */
const registered = new Set<string>();

function registerPath(def: AdminRouteDefinition<z.ZodType, z.ZodType, z.ZodType>, path: string, status: number) {
  registered.add(`${def.method} ${path}`);
  openApiRegistry.registerPath({
    method: def.method,
    path,
    summary: def.summary,
    tags: ['admin'],
    security: [{ [adminBearer.name]: [] }, { [sessionCookie.name]: [] }],
    request: openApiRequest(def),
    responses: {
      [status]: { description: 'OK', content: json(def.response) },
      400: { description: 'Invalid request: every bad field is named', content: json(ErrorBody) },
      401: { description: 'Missing or invalid admin key', content: json(ErrorBody) },
      403: { description: "The signed-in operator's role may not do this, or no CSRF token", content: json(ErrorBody) },
      // A change can break a rule of the schema (api/admin/index.ts, constraintErrors): a row it names is gone
      // (404) or it would duplicate one (409).
      ...(def.method === 'get'
        ? {}
        : {
            404: { description: 'A row the change names does not exist', content: json(ErrorBody) },
            409: { description: 'The change would duplicate an existing row', content: json(ErrorBody) },
          }),
      ...Object.fromEntries(
        Object.entries(def.errors ?? {}).map(([code, description]) => [
          code,
          { description, content: json(ErrorBody) },
        ]),
      ),
    },
  });
}
