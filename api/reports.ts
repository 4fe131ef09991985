import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { paymentAnalytics, paymentFormAnalytics, summaryReport, type ReportQuery } from '../data/reports';
import { findExport, insertExport, readChunks, type ExportRow } from '../data/exports';
import { writeCsv, writeXlsx, type FileTable } from '../infra/export-files';
import type { ApiDependencies } from './app';
import { HttpError } from './errors';
import { HistoryCode, MinorAmount, Timestamp } from './admin/common-schemas';
import { adminAuth } from './admin/auth';
import { audited } from './admin/audit';
import { authenticate, forbidden, type Caller } from './accounts/access';
import { allows } from './accounts/permissions';
import { accountRoute, type Authenticator } from './accounts/route';

/**
 * The reports of issue 18 (docs/reports.md) under /api/v1/reports: summary, payment analytics, payment-form
 * analytics, each as JSON and as a CSV or XLSX download (streamed) of the same rows. Operators with the
 * `reports:*:read` permission see every merchant or filter one; a merchant user sees its own merchant only, whatever
 * it asks for (a merchantId of another merchant is 403). Every download is written to the audit log.
 */

/** An IANA zone name (Area/Location, or UTC): no offsets, which PostgreSQL reads with the POSIX sign. */
const isZone = (zone: string): boolean => {
  if (!/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z][A-Za-z0-9_+-]*){1,2})$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** A calendar day from 1970 to 2999 (so PostgreSQL never sees a day it would refuse). */
const Day = z
  .string()
  .regex(/^(19[7-9]\d|2\d{3})-\d{2}-\d{2}$/, 'must be a day from 1970 on, YYYY-MM-DD')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
  }, 'must be a day of the calendar');
export const ReportParams = z
  .object({
    from: Day,
    to: Day,
    timeZone: z.string().min(1).max(64).refine(isZone, 'must be an IANA time zone, e.g. Europe/Moscow').default('UTC'),
    merchantId: z.uuid().optional(),
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000 * 2, {
    message: 'a period is at most two years',
    path: ['to'],
  });
type ReportParams = z.infer<typeof ReportParams>;

const Outcome = {
  orders: z.number(),
  successful: z.number(),
  failed: z.number(),
  conversion: z.number(),
  turnoverMinor: z.number(),
  commissionMinor: z.number(),
  netMinor: z.number(),
};
const Group = { merchantId: z.string(), mode: z.string(), currency: z.string(), direction: z.string() };
const Summary = z.object({
  period: z.object({ from: z.string(), to: z.string(), timeZone: z.string(), start: z.string(), end: z.string() }),
  rows: z.array(z.object({ ...Group, ...Outcome })),
  gateways: z.array(z.object({ ...Group, gatewayId: z.string().nullable(), ...Outcome })),
  balances: z.array(
    z.object({
      merchantId: z.string(),
      mode: z.string(),
      currency: z.string(),
      openingMinor: z.number(),
      closingMinor: z.number(),
    }),
  ),
});
const Conversion = { orders: z.number(), successful: z.number(), conversion: z.number() };
const Analytics = z.object({
  byGateway: z.array(z.object({ gatewayId: z.string().nullable(), ...Conversion })),
  byMethod: z.array(z.object({ method: z.string().nullable(), ...Conversion })),
  byHour: z.array(z.object({ hour: z.number(), ...Conversion })),
  declinesByReason: z.array(z.object({ reason: z.string(), orders: z.number() })),
  declinesByPspCode: z.array(
    z.object({ gatewayId: z.string().nullable(), pspCode: z.string().nullable(), orders: z.number() }),
  ),
  cascade: z.object({
    successful: z.number(),
    savedByLaterGateway: z.number(),
    byPosition: z.array(z.object({ position: z.number(), successful: z.number() })),
  }),
  timeToFinalMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }),
});
const FormFunnel = z.object({
  rows: z.array(
    z.object({
      merchantId: z.string(),
      day: z.string(),
      created: z.number(),
      visited: z.number(),
      submitted: z.number(),
      threeDs: z.number(),
      success: z.number(),
      cancelled: z.number(),
      abandoned: z.number(),
      expired: z.number(),
      refusedCards: z.number(),
    }),
  ),
});

type Rows = Array<Record<string, unknown>>;
/** One report: its JSON, and the tables a download holds (one sheet each; CSV: the first table only). */
interface Report {
  path: string;
  summary: string;
  response: z.ZodType;
  run: typeof summaryReport | typeof paymentAnalytics | typeof paymentFormAnalytics;
  tables: (result: never) => Record<string, Rows>;
}

const REPORTS: Record<string, Report> = {
  summary: {
    path: 'summary',
    summary: 'Summary report: orders, outcomes, conversion, turnover, commissions, net; per gateway; balances',
    response: Summary,
    run: summaryReport,
    tables: (r: z.infer<typeof Summary>) => ({ summary: r.rows, gateways: r.gateways, balances: r.balances }),
  },
  'payment-analytics': {
    path: 'payment-analytics',
    summary: 'Payment analytics: conversion by gateway, method, hour; declines; cascade effect; time to final',
    response: Analytics,
    run: paymentAnalytics,
    tables: (r: z.infer<typeof Analytics>) => ({
      byGateway: r.byGateway,
      byMethod: r.byMethod,
      byHour: r.byHour,
      declinesByReason: r.declinesByReason,
      declinesByPspCode: r.declinesByPspCode,
      cascade: r.cascade.byPosition,
    }),
  },
  'payment-form': {
    path: 'payment-form',
    summary: "Payment-form analytics: the hosted page's funnel per merchant and day",
    response: FormFunnel,
    run: paymentFormAnalytics,
    tables: (r: z.infer<typeof FormFunnel>) => ({ funnel: r.rows }),
  },
};

/** 400 for a zone Intl knows and PostgreSQL's time zone data does not (an older tzdata). */
async function assertZoneKnown(ds: DataSource, zone: string): Promise<void> {
  try {
    await ds.query(`SELECT now() AT TIME ZONE $1`, [zone]);
  } catch {
    throw new HttpError(400, 'VALIDATION_FAILED', `timeZone: ${zone} is not known to the database`);
  }
}

/** The merchant a caller may see: a merchant user its own only; an operator the one it names, or all. */
export function scopeOf(caller: Caller, requested: string | undefined): string | null {
  if (caller.kind === 'merchant') {
    if (requested !== undefined && requested !== caller.merchantId)
      throw forbidden(caller, "see another merchant's reports");
    return caller.merchantId;
  }
  return requested ?? null;
}

const queryOf = (p: ReportParams, caller: Caller): ReportQuery => ({
  from: p.from,
  to: p.to,
  timeZone: p.timeZone,
  merchantId: scopeOf(caller, p.merchantId),
});

export function reportsRouter(deps: ApiDependencies): Router {
  const router = Router();
  const ds = deps.dataSource;
  const keyAuth = adminAuth(ds, deps.adminKey, deps.authFailureLimits);
  const auth: Authenticator = (req, res, sessionOnly) => authenticate(deps, keyAuth, req, res, sessionOnly);

  for (const report of Object.values(REPORTS)) {
    const action = `reports:${report.path}:read`;
    accountRoute(
      router,
      auth,
      {
        method: 'get',
        path: `/api/v1/reports/${report.path}`,
        summary: report.summary,
        auth: 'session-or-key',
        action,
        query: ReportParams,
        response: report.response,
      },
      async ({ query, caller }) => {
        await assertZoneKnown(ds, query.timeZone);
        return report.run(ds, queryOf(query, caller));
      },
    );

    router.get(`/api/v1/reports/${report.path}/export`, async (req: Request, res: Response) => {
      const caller = await auth(req, res, false);
      if (!allows(caller.kind, caller.role, action)) throw forbidden(caller, action);
      const params = ReportParams.and(z.object({ format: z.enum(['csv', 'xlsx']) })).parse(req.query);
      const q = queryOf(params, caller);
      await assertZoneKnown(ds, q.timeZone);
      const result = await report.run(ds, q);
      const tables = report.tables(result as never);
      await audited(ds, req, async () => ({
        result: null,
        changes: [
          {
            action: 'export',
            entityType: 'report',
            entityId: report.path,
            before: null,
            after: { ...q, format: params.format },
          },
        ],
      }));
      const file = `${report.path}-${q.from}-${q.to}.${params.format}`;
      res.setHeader('content-disposition', `attachment; filename="${file}"`);
      const files: FileTable[] = Object.entries(tables).map(([name, rows]) => ({
        name,
        columns: rows[0] ? Object.keys(rows[0]) : ['noRows'],
        rows,
      }));
      res.type(params.format === 'csv' ? 'text/csv' : XLSX_TYPE);
      if (params.format === 'csv') await writeCsv(res, files[0]!);
      else await writeXlsx(res, files);
    });
  }
  exportRoutes(router, auth, deps);
  return router;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const ExportRequestBody = z
  .object({
    report: z.literal('orders'),
    format: z.enum(['csv', 'xlsx']),
    filters: z
      .object({
        merchantId: z.uuid().optional(),
        status: z.enum(['Created', 'Processing', 'Success', 'Failed']).optional(),
        direction: z.enum(['deposit', 'payout']).optional(),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
          .optional(),
        from: Day.optional(),
        to: Day.optional(),
        timeZone: z.string().min(1).max(64).refine(isZone, 'must be an IANA time zone').default('UTC'),
        // The order list screen's own filters, so its Export writes exactly the list it shows.
        createdFrom: Timestamp.optional().openapi({ description: 'Created at or after' }),
        createdTo: Timestamp.optional().openapi({ description: 'Created before' }),
        id: z.uuid().optional().openapi({ description: 'Our id of the order' }),
        externalTransactionId: z.string().min(1).max(255).optional().openapi({ description: "The merchant's id" }),
        // And the operators' list's, so an operator's Export with them set writes the list on the screen too.
        gatewayId: z.uuid().optional().openapi({ description: 'The gateway that has (or last had) the payment' }),
        amountFrom: MinorAmount.optional().openapi({ description: 'Amount at least this, in minor units' }),
        amountTo: MinorAmount.optional().openapi({ description: 'Amount at most this, in minor units' }),
        historyCode: HistoryCode.optional(),
      })
      .strict()
      .default({ timeZone: 'UTC' }),
  })
  .strict();
const ExportStatus = z.object({
  id: z.string(),
  report: z.string(),
  format: z.enum(['csv', 'xlsx']),
  status: z.enum(['running', 'ready', 'failed']),
  rows: z.number().nullable(),
  bytes: z.number().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
const exportStatus = (e: ExportRow) => ({
  id: e.id,
  report: e.report,
  format: e.format,
  status: e.status,
  rows: e.rows === null ? null : Number(e.rows),
  bytes: e.bytes === null ? null : Number(e.bytes),
  error: e.error,
  createdAt: e.created_at.toISOString(),
  finishedAt: e.finished_at?.toISOString() ?? null,
});

/** The caller's export, or 404: a merchant user sees only its merchant's exports. */
async function visibleExport(deps: ApiDependencies, caller: Caller, id: string): Promise<ExportRow> {
  const row = z.uuid().safeParse(id).success ? await findExport(deps.dataSource, id) : undefined;
  if (!row || (caller.kind === 'merchant' && row.merchant_id !== caller.merchantId)) {
    throw new HttpError(404, 'NOT_FOUND', `no export ${id}`);
  }
  return row;
}

/**
 * Large exports in the background: the order list with its filters as CSV or XLSX, written by the `exportFile`
 * workflow (workflows/export.ts) into PostgreSQL; the person polls the status and downloads the file when ready.
 * The request is in the audit log, in the transaction that records the export.
 */
function exportRoutes(router: Router, auth: Authenticator, deps: ApiDependencies): void {
  const action = 'reports:exports:read';
  accountRoute(
    router,
    auth,
    {
      method: 'post',
      path: '/api/v1/reports/exports',
      summary: 'Start a background export of the order list with its filters (CSV or XLSX)',
      auth: 'session-or-key',
      action,
      body: ExportRequestBody,
      response: ExportStatus,
      status: 201,
      errors: { 503: 'Temporal did not take the export; nothing was started' },
    },
    async ({ body, caller, req }) => {
      await assertZoneKnown(deps.dataSource, body.filters.timeZone);
      const id = randomUUID();
      const filters = { ...body.filters, merchantId: scopeOf(caller, body.filters.merchantId) };
      const requestedBy = req.admin?.actor ?? req.person?.email ?? 'operator key';
      await audited(deps.dataSource, req, async (tx) => {
        await insertExport(tx, { id, requestedBy, report: body.report, format: body.format, filters });
        return {
          result: null,
          changes: [
            { action: 'export', entityType: 'export', entityId: id, before: null, after: { ...body, filters } },
          ],
        };
      });
      try {
        await deps.temporal.client.workflow.start('exportFile', {
          workflowId: `export-${id}`,
          taskQueue: deps.taskQueue,
          args: [{ exportId: id }],
        });
      } catch {
        throw new HttpError(503, 'TEMPORAL_UNAVAILABLE', 'the export could not be started; try again');
      }
      return exportStatus((await findExport(deps.dataSource, id))!);
    },
  );

  accountRoute(
    router,
    auth,
    {
      method: 'get',
      path: '/api/v1/reports/exports/{id}',
      summary: "A background export's status",
      auth: 'session-or-key',
      action,
      params: z.object({ id: z.string() }),
      response: ExportStatus,
      errors: { 404: 'No such export (or not yours)' },
    },
    async ({ params, caller }) => exportStatus(await visibleExport(deps, caller, params.id)),
  );

  router.get('/api/v1/reports/exports/:id/download', async (req: Request, res: Response) => {
    const caller = await auth(req, res, false);
    if (!allows(caller.kind, caller.role, action)) throw forbidden(caller, action);
    const row = await visibleExport(deps, caller, String(req.params.id));
    if (row.status !== 'ready') throw new HttpError(409, 'NOT_READY', `the export is ${row.status}`);
    res.type(row.format === 'csv' ? 'text/csv' : XLSX_TYPE);
    res.setHeader('content-disposition', `attachment; filename="orders-${row.id}.${row.format}"`);
    res.setHeader('content-length', String(row.bytes));
    for await (const chunk of readChunks(deps.dataSource, row.id)) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });
}
