import { Router, type Request, type Response } from 'express';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { paymentAnalytics, paymentFormAnalytics, summaryReport, type ReportQuery } from '../data/reports';
import type { ApiDependencies } from './app';
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

const isZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD');
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

/** Writes one table as CSV, streamed, header from the first row's keys. */
async function writeCsv(res: Response, rows: Rows): Promise<void> {
  const columns = Object.keys(rows[0] ?? {});
  const csv = stringify({ header: true, columns: columns.length ? columns : ['empty'] });
  csv.pipe(res);
  for (const row of rows) if (!csv.write(row)) await new Promise((r) => csv.once('drain', r));
  csv.end();
  await new Promise((r) => res.once('finish', r));
}

/** Writes the tables as an XLSX workbook, one sheet each, streamed (exceljs' WorkbookWriter commits row by row). */
async function writeXlsx(res: Response, tables: Record<string, Rows>): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: false, useSharedStrings: false });
  for (const [name, rows] of Object.entries(tables)) {
    const sheet = workbook.addWorksheet(name);
    const columns = Object.keys(rows[0] ?? {});
    sheet.columns = columns.map((key) => ({ header: key, key }));
    for (const row of rows) sheet.addRow(row).commit();
    sheet.commit();
  }
  await workbook.commit();
}

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
      async ({ query, caller }) => report.run(ds, queryOf(query, caller)),
    );

    router.get(`/api/v1/reports/${report.path}/export`, async (req: Request, res: Response) => {
      const caller = await auth(req, res, false);
      if (!allows(caller.kind, caller.role, action)) throw forbidden(caller, action);
      const params = ReportParams.and(z.object({ format: z.enum(['csv', 'xlsx']) })).parse(req.query);
      const q = queryOf(params, caller);
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
      if (params.format === 'csv') {
        res.type('text/csv');
        await writeCsv(res, Object.values(tables)[0] ?? []);
      } else {
        res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        await writeXlsx(res, tables);
      }
    });
  }
  return router;
}
