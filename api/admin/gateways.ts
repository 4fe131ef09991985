import { Router } from 'express';
import { insertGateway, updateGateway } from '../../data/gateways';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { GatewayMisconfiguredError } from '../../gateways/connector';
import { createGatewayRegistry } from '../../gateways';
import { encryptSecretSettings } from '../../infra/security/secrets-at-rest';
import type { ApiDependencies } from '../app';
import { HttpError, invalidField } from '../errors';
import { adminRoute } from './admin-route';
import { audited } from './audit';
import { IdParams, KeyMode, Uuid } from './common-schemas';
import type { GatewayEntity } from '../../entities/gateway.entity';
import type { RowOf } from '../../entities/rows';

/**
 * Gateway accounts: which connector talks to them, with which settings, sandbox or live, enabled or not. Credentials are
 * stored encrypted (secrets at rest). Only settings known to be public are answered (and written to the audit log) in clear; every other one, whatever its
 * name and however deeply nested, shows as "***", and a base URL loses any user, password and query.
 */

const PUBLIC_SETTINGS = new Set(['baseUrl', 'timeoutMs', 'scenario', 'script', 'amountUpdateTolerancePercent']);
const REDACTED = '***';

const Settings = z.record(z.string(), z.unknown());
const Gateway = z
  .object({
    id: Uuid,
    code: z.string(),
    name: z.string(),
    connector: z.string(),
    mode: KeyMode,
    enabled: z.boolean().openapi({ description: 'A disabled gateway is left out of every route, for new orders' }),
    settings: Settings.openapi({
      description: `Only ${[...PUBLIC_SETTINGS].join(', ')} show in clear; every other setting shows as "${REDACTED}"`,
    }),
    createdAt: z.string(),
  })
  .openapi('Gateway');
type Gateway = z.infer<typeof Gateway>;

const CreateBody = z.strictObject({
  code: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" or "-", at most 64'),
  name: z.string().trim().min(1).max(200),
  connector: z.string().min(1),
  mode: KeyMode,
  enabled: z.boolean().default(true),
  settings: Settings.default({}),
});
const UpdateBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  enabled: z.boolean().optional(),
  settings: Settings.optional().openapi({
    description: 'Merged into the current settings; a null value removes that setting',
  }),
});

type GatewayRow = RowOf<
  GatewayEntity,
  'id' | 'code' | 'name' | 'connector' | 'mode' | 'enabled' | 'settings' | 'createdAt'
>;
const redact = (settings: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(settings).map(([k, v]) => [
      k,
      !PUBLIC_SETTINGS.has(k) ? REDACTED : k === 'baseUrl' && typeof v === 'string' ? publicUrl(v) : v,
    ]),
  );

/** A URL without the credentials or query a careless operator may have put in it. */
function publicUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.username || url.password) [url.username, url.password] = [REDACTED, ''];
    if (url.search) url.search = '';
    url.hash = '';
    return url.toString();
  } catch {
    return REDACTED;
  }
}
const view = (r: GatewayRow): Gateway => ({
  id: r.id,
  code: r.code,
  name: r.name,
  connector: r.connector,
  mode: r.mode,
  enabled: r.enabled,
  settings: redact(r.settings),
  createdAt: r.created_at.toISOString(),
});

async function findGatewayRow(tx: EntityManager, id: string): Promise<GatewayRow> {
  const [row]: GatewayRow[] = await tx.query(
    `SELECT id, code, name, connector, mode, enabled, settings, created_at FROM gateways WHERE id = $1`,
    [id],
  );
  if (!row) throw new HttpError(404, 'NOT_FOUND', `no gateway ${id}`);
  return row;
}

export function gatewaysRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;
  const registry = createGatewayRegistry(ds);
  /** 400 for a connector nobody registered or settings it could not use: better now than at the first payment. */
  const checkConnector = (connector: string, settings: Record<string, unknown>, mode: 'sandbox' | 'live') => {
    if (!registry.names().includes(connector)) {
      throw invalidField('connector', `unknown connector; one of ${registry.names().join(', ')}`);
    }
    if (mode === 'live' && !registry.get(connector).liveAllowed) {
      const live = registry.names().filter((n) => registry.get(n).liveAllowed);
      throw invalidField(
        'connector',
        `"${connector}" is for sandbox gateways only; live gateways use ${live.join(', ')}`,
      );
    }
    try {
      registry.get(connector).checkSettings?.(settings);
    } catch (err) {
      if (!(err instanceof GatewayMisconfiguredError)) throw err;
      throw invalidField('settings', err.message);
    }
  };

  adminRoute(
    router,
    {
      method: 'post',
      path: '/gateways',
      summary: 'Add a gateway account',
      body: CreateBody,
      response: Gateway,
      status: 201,
      errors: { 409: 'A gateway with this code exists' },
    },
    async ({ body, req }) => {
      checkConnector(body.connector, body.settings, body.mode);
      return audited(ds, req, async (tx) => {
        const id = await insertGateway(tx, {
          ...body,
          settings: encryptSecretSettings(deps.keyring, body.settings),
        });
        const after = view(await findGatewayRow(tx, id));
        return {
          result: after,
          changes: [{ action: 'create', entityType: 'gateway', entityId: after.id, before: null, after }],
        };
      });
    },
  );

  adminRoute(
    router,
    { method: 'get', path: '/gateways', summary: 'List gateways', response: z.object({ items: z.array(Gateway) }) },
    async () => {
      const rows: GatewayRow[] = await ds.query(
        `SELECT id, code, name, connector, mode, enabled, settings, created_at FROM gateways ORDER BY created_at, id`,
      );
      return { items: rows.map(view) };
    },
  );

  adminRoute(
    router,
    {
      method: 'get',
      path: '/gateways/{id}',
      summary: 'One gateway',
      params: IdParams,
      response: Gateway,
      errors: { 404: 'No such gateway' },
    },
    async ({ params }) => view(await findGatewayRow(ds.manager, params.id)),
  );

  adminRoute(
    router,
    {
      method: 'patch',
      path: '/gateways/{id}',
      summary: 'Rename, enable or disable a gateway, or change its settings',
      params: IdParams,
      body: UpdateBody,
      response: Gateway,
      errors: { 404: 'No such gateway' },
    },
    async ({ params, body, req }) =>
      audited(ds, req, async (tx) => {
        const current = await findGatewayRow(tx, params.id);
        const settings = { ...current.settings };
        for (const [k, v] of Object.entries(body.settings ?? {})) {
          if (v === null) delete settings[k];
          else settings[k] = v;
        }
        // Credentials already stored stay encrypted; the connector's check needs only their presence.
        if (body.settings) checkConnector(current.connector, settings, current.mode);
        await updateGateway(tx, params.id, {
          name: body.name ?? current.name,
          enabled: body.enabled ?? current.enabled,
          settings: encryptSecretSettings(deps.keyring, settings),
        });
        const after = view(await findGatewayRow(tx, params.id));
        const changedSettings = Object.keys(body.settings ?? {});
        return {
          result: after,
          changes: [
            {
              action: 'update',
              entityType: 'gateway',
              entityId: after.id,
              before: view(current),
              after,
              // Redacted values look the same before and after: say which settings changed.
              note: changedSettings.length ? `settings changed: ${changedSettings.join(', ')}` : null,
            },
          ],
        };
      }),
  );
  return router;
}
