import { Router } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { createGatewayRegistry } from '../../gateways';
import { builtInAnswers, OVERRIDABLE_REASONS, type GatewayAnswerRow } from '../../gateways/answer-overrides';
import { adminRoute } from './admin-route';
import { audited } from './audit';

/**
 * Gateway answers as data (docs/connectors.md): each connector's table of PSP codes → reason (RR) and cascade
 * decision, built in, with operators' overrides. An override applies to the next attempt at any gateway of that
 * connector; removing it restores the built-in row. Every change goes to the audit log.
 */

const Decision = z.enum(['retry', 'check', 'next', 'stop']);
const AnswerRow = z
  .object({
    connector: z.string(),
    pspCode: z.string(),
    reason: z.string().openapi({ description: "RR digits of our reason ('00': none)", example: '63' }),
    decision: Decision,
    source: z.enum(['built-in', 'override']),
    note: z.string().nullable(),
  })
  .openapi('GatewayAnswer');

const PspCode = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: "the PSP's code: letters, digits, _ . - (at most 100)" });
const RowParams = z.object({ connector: z.string().min(1).max(100), pspCode: PspCode });
const PutBody = z.strictObject({
  reason: z.enum(OVERRIDABLE_REASONS as [string, ...string[]]),
  decision: Decision,
  note: z.string().trim().min(1).max(500).nullable().default(null),
});

interface Row {
  connector: string;
  psp_code: string;
  reason: string;
  decision: z.infer<typeof Decision>;
  note: string | null;
}
const view = (r: Row): GatewayAnswerRow => ({
  connector: r.connector,
  pspCode: r.psp_code,
  reason: r.reason,
  decision: r.decision,
  source: 'override',
  note: r.note,
});

async function findOverride(tx: EntityManager, connector: string, pspCode: string): Promise<GatewayAnswerRow | null> {
  const [row]: Row[] = await tx.query(
    `SELECT connector, psp_code, reason, decision, note FROM gateway_answer_overrides
      WHERE connector = $1 AND psp_code = $2`,
    [connector, pspCode],
  );
  return row ? view(row) : null;
}

export function gatewayAnswersRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;
  const registry = createGatewayRegistry(ds);
  const connectorOf = (name: string) => {
    if (!registry.names().includes(name)) throw new HttpError(404, 'NOT_FOUND', `no connector ${name}`);
    return registry.get(name);
  };

  adminRoute(
    router,
    {
      method: 'get',
      path: '/gateway-answers/{connector}',
      summary: "A connector's answer table: built-in rows, with operators' overrides in their place",
      params: z.object({ connector: z.string().min(1).max(100) }),
      response: z.object({ items: z.array(AnswerRow) }),
      errors: { 404: 'No such connector' },
    },
    async ({ params }) => {
      const connector = connectorOf(params.connector);
      const overrides: Row[] = await ds.query(
        `SELECT connector, psp_code, reason, decision, note FROM gateway_answer_overrides WHERE connector = $1`,
        [connector.name],
      );
      const rows = new Map(builtInAnswers(connector).map((r) => [r.pspCode, r]));
      for (const o of overrides) rows.set(o.psp_code, view(o));
      return { items: [...rows.values()].sort((a, b) => a.pspCode.localeCompare(b.pspCode)) };
    },
  );

  adminRoute(
    router,
    {
      method: 'put',
      path: '/gateway-answers/{connector}/{pspCode}',
      summary: "Override what a PSP code means (our reason, the cascade decision) from the connector's next attempt",
      params: RowParams,
      body: PutBody,
      response: AnswerRow,
      errors: { 404: 'No such connector' },
    },
    async ({ params, body, req }) => {
      const connector = connectorOf(params.connector);
      return audited(ds, req, async (tx) => {
        const before =
          (await findOverride(tx, connector.name, params.pspCode)) ??
          builtInAnswers(connector).find((r) => r.pspCode === params.pspCode) ??
          null;
        await tx.query(
          `INSERT INTO gateway_answer_overrides (connector, psp_code, reason, decision, note)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (connector, psp_code)
           DO UPDATE SET reason = EXCLUDED.reason, decision = EXCLUDED.decision, note = EXCLUDED.note, updated_at = now()`,
          [connector.name, params.pspCode, body.reason, body.decision, body.note],
        );
        const after = (await findOverride(tx, connector.name, params.pspCode))!;
        return {
          result: after,
          changes: [
            {
              action: before?.source === 'override' ? 'update' : 'create',
              entityType: 'gateway_answer',
              entityId: `${connector.name}/${params.pspCode}`,
              before,
              after,
            },
          ],
        };
      });
    },
  );

  adminRoute(
    router,
    {
      method: 'delete',
      path: '/gateway-answers/{connector}/{pspCode}',
      summary: 'Remove an override: the built-in row (or none) applies again from the next attempt',
      params: RowParams,
      response: AnswerRow,
      errors: { 404: 'No such connector, or no override of this code' },
    },
    async ({ params, req }) => {
      const connector = connectorOf(params.connector);
      return audited(ds, req, async (tx) => {
        const before = await findOverride(tx, connector.name, params.pspCode);
        if (!before) throw new HttpError(404, 'NOT_FOUND', `no override of ${params.pspCode} for ${connector.name}`);
        await tx.query(`DELETE FROM gateway_answer_overrides WHERE connector = $1 AND psp_code = $2`, [
          connector.name,
          params.pspCode,
        ]);
        return {
          result: before,
          changes: [
            {
              action: 'delete',
              entityType: 'gateway_answer',
              entityId: `${connector.name}/${params.pspCode}`,
              before,
              after: null,
            },
          ],
        };
      });
    },
  );
  return router;
}
