import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { adminBearer, json, openApiRequest } from '../admin/admin-route';
import { ErrorBody, openApiRegistry } from '../openapi';
import { forbidden, type Caller } from './access';
import { allows } from './permissions';
import { sessionCookie } from './schemas';

/**
 * Declares an accounts endpoint once, like the admin API's adminRoute: mounted with its gate, registered in the
 * OpenAPI document from the zod schemas that parse the request and the answer.
 * `auth`: none (sign-in, links), `session` (a person only), `session-or-key` (a person or an operator key).
 * `action`: the permission table's action the caller's role must allow; `merchantOnly`: a merchant user only.
 */
export interface AccountRouteDefinition<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  auth: 'none' | 'session' | 'session-or-key';
  action?: string;
  merchantOnly?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  response: z.ZodType;
  status?: 200 | 201;
  errors?: Partial<Record<401 | 404 | 409 | 410 | 413 | 429 | 503, string>>;
  /** The OpenAPI tag (default `accounts`). */
  tag?: string;
}

const Empty = z.object({});
type Empty = typeof Empty;
const registered = new Set<string>();

export type Authenticator = (req: Request, res: Response, sessionOnly: boolean) => Promise<Caller>;

export function accountRoute<P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty>(
  router: Router,
  authenticate: Authenticator,
  def: AccountRouteDefinition<P, Q, B>,
  handler: (input: {
    params: z.infer<P>;
    query: z.infer<Q>;
    body: z.infer<B>;
    req: Request;
    res: Response;
    caller: Caller;
  }) => Promise<unknown>,
): void {
  const status = def.status ?? 200;
  if (!registered.has(`${def.method} ${def.path}`)) register(def, status);
  const serve: RequestHandler = async (req, res) => {
    let caller: Caller = { kind: 'operator', role: '', merchantId: null, person: null };
    if (def.auth !== 'none') {
      caller = await authenticate(req, res, def.auth === 'session');
      if (def.merchantOnly && caller.kind !== 'merchant') throw forbidden(caller, 'use the merchant cabinet');
      if (def.action && !allows(caller.kind, caller.role, def.action)) throw forbidden(caller, def.action);
    }
    const input = {
      params: (def.params ?? Empty).parse(req.params) as z.infer<P>,
      query: (def.query ?? Empty).parse(req.query) as z.infer<Q>,
      body: (def.body ?? z.unknown()).parse(req.body) as z.infer<B>,
      req,
      res,
      caller,
    };
    res.status(status).json(def.response.parse(await handler(input)));
  };
  router[def.method](def.path.replace(/\{(\w+)\}/g, ':$1'), serve);
}

function register(def: AccountRouteDefinition<z.ZodType, z.ZodType, z.ZodType>, status: number) {
  registered.add(`${def.method} ${def.path}`);
  const security =
    def.auth === 'none'
      ? []
      : def.auth === 'session'
        ? [{ [sessionCookie.name]: [] }]
        : [{ [sessionCookie.name]: [] }, { [adminBearer.name]: [] }];
  openApiRegistry.registerPath({
    method: def.method,
    path: def.path,
    summary: def.summary,
    tags: [def.tag ?? 'accounts'],
    security,
    request: openApiRequest(def),
    responses: {
      [status]: { description: 'OK', content: json(def.response) },
      400: { description: 'Invalid request: every bad field is named', content: json(ErrorBody) },
      ...(def.auth === 'none'
        ? {}
        : {
            401: { description: 'Not signed in (or the session ended), or a bad key', content: json(ErrorBody) },
            403: {
              description: 'The role may not do this, or the X-CSRF-Token header is wrong',
              content: json(ErrorBody),
            },
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
