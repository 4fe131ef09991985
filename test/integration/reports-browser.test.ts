/**
 * The report screens (docs/reports.md, docs/web-app.md) in headless Chromium against the API and a worker: an
 * operator and a merchant user each open the summary report, payment analytics and payment-form analytics on
 * generated orders, change the period (the figures follow), download CSV and XLSX and find in them the rows on the
 * screen; each exports the order list with its filters in the background and downloads the same orders the list
 * shows. The data is small: two merchants, a handful of final orders over two days.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { countOrder } from '../../data/reports';
import { cleanUp } from '../../infra/process/cleanup';
import { createTimeSkippingEnv } from '../../infra/temporal/time-skipping';
import { expectStatus, httpClient, type HttpClient } from '../helpers/admin-client';
import { testDataSource } from '../helpers/database';
import { startApi } from '../helpers/http';
import { createGateway, createMerchant } from '../helpers/merchants';
import { writeFinalOrder, type ReportOrderSpec } from '../helpers/report-orders';
import { invitedPerson, TEST_PASSWORD } from '../helpers/session-client';
import { prepareWebBrowser } from '../helpers/web-browser';
import { createTestWorker } from '../helpers/time-skipping-worker';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let ds: DataSource;
let worker: Worker;
let working: Promise<void>;
let api: Awaited<ReturnType<typeof startApi>>;
let admin: HttpClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;

// Two days long past, so no other test's orders share the period.
const DAY1 = '2019-06-10';
const DAY2 = '2019-06-11';
const at = (iso: string) => new Date(iso);

interface Generated {
  id: string;
  spec: ReportOrderSpec;
  day: string;
}
const names = new Map<string, string>();
let merchantA: string;
let merchantB: string;
let orders: Generated[];

beforeAll(async () => {
  const launch = prepareWebBrowser();
  [env, ds] = await Promise.all([createTimeSkippingEnv(), testDataSource()]);
  let taskQueue: string;
  ({ worker, taskQueue } = await createTestWorker(env, ds));
  working = worker.run();
  api = await startApi({ dataSource: ds, temporalAddress: env.address, taskQueue });
  admin = httpClient(api.baseUrl);
  orders = await generateOrders();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});

afterAll(() =>
  cleanUp([
    async () => browser?.close(),
    async () => api?.stop(),
    async () => {
      worker?.shutdown();
      await working;
    },
    async () => env?.teardown(),
    async () => ds?.destroy(),
  ]),
);

/**
 * Merchant A: a deposit before the period (its opening balance); on day 1 a hosted-form success, a decline with the
 * PSP's code and a success the second gateway saved; on day 2 a payout and a cancelled hosted form. Merchant B: a EUR
 * deposit on day 1 and a decline on day 2. Each counted into the reports' figures as the history activity would.
 */
async function generateOrders(): Promise<Generated[]> {
  merchantA = await createMerchant(ds);
  merchantB = await createMerchant(ds);
  for (const id of [merchantA, merchantB]) {
    names.set(id, (await expectStatus(admin.get(`/api/v1/admin/merchants/${id}`), 200)).name);
  }
  const [g1, g2] = [await createGateway(ds, 'live'), await createGateway(ds, 'live')];
  const order = (
    day: string,
    time: string,
    spec: Partial<ReportOrderSpec>,
  ): { day: string; spec: ReportOrderSpec } => ({
    day,
    spec: {
      merchantId: merchantA,
      direction: 'deposit',
      currency: 'USD',
      amountMinor: 1_000,
      commissionMinor: 10,
      status: 'Success',
      gateways: [g1!],
      createdAt: at(`${day}T${time}:00Z`),
      finalAt: at(`${day}T${time}:42Z`),
      ...spec,
    },
  });
  const specs = [
    order('2019-06-01', '09:00', { amountMinor: 10_000, commissionMinor: 100 }),
    order(DAY1, '09:15', { form: { visited: true, submitted: true, cancelled: false, refusals: 1 } }),
    order(DAY1, '10:20', { status: 'Failed', pspCode: 'do_not_honor' }),
    order(DAY1, '14:30', { amountMinor: 2_000, commissionMinor: 20, gateways: [g1!, g2!] }),
    order(DAY2, '08:05', { direction: 'payout', amountMinor: 500, commissionMinor: 5 }),
    order(DAY2, '11:45', { status: 'Failed', form: { visited: true, submitted: false, cancelled: true, refusals: 0 } }),
    order(DAY1, '12:00', { merchantId: merchantB, currency: 'EUR', amountMinor: 3_000, commissionMinor: 30 }),
    order(DAY2, '16:10', { merchantId: merchantB, currency: 'EUR', status: 'Failed', pspCode: 'expired_card' }),
  ];
  const generated: Generated[] = [];
  for (const s of specs) {
    const id = await writeFinalOrder(ds, s.spec);
    expect(await countOrder(ds, id)).toBe('counted');
    generated.push({ id, ...s });
  }
  return generated;
}

/** How many of a merchant's orders were final on the days (days of the zone, UTC by default). */
const ordersIn = (merchantId: string, days: string[], timeZone = 'UTC') =>
  orders.filter(
    (o) =>
      o.spec.merchantId === merchantId &&
      days.includes(new Intl.DateTimeFormat('en-CA', { timeZone }).format(o.spec.finalAt)),
  ).length;

/** The sign-in screen for the next person (cookies cleared: one browser context for the file), then signed in. */
async function signIn(email: string): Promise<void> {
  await context.clearCookies();
  await page.goto(`${api.baseUrl}/app/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.locator('input[type=password]').fill(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByTestId('signed-in-as').filter({ hasText: email }).waitFor({ timeout: 15_000 });
}

/** A Mantine Select: opened with a click, the option picked (typed first into a searchable one). */
async function pick(label: string, option: string, search = false): Promise<void> {
  const input = page.getByLabel(label, { exact: true }).and(page.locator('input'));
  await input.click();
  if (search) await input.fill(option);
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Sets the period (and zone) of the report on screen and waits until its figures answer that period. */
async function setPeriod(from: string, to: string, timeZone = 'UTC'): Promise<void> {
  await page.getByLabel(/^From\b/).fill(from);
  await page.getByLabel(/^To\b/).fill(to);
  if (timeZone !== 'UTC') await pick('Time zone', timeZone, true);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page
    .getByTestId('report-shown')
    .filter({ hasText: `${from} – ${to} (${timeZone})` })
    .waitFor();
}

interface ScreenTable {
  keys: string[];
  rows: string[][];
}
/** A report table on screen: its fields (the headings' data-key) and its rows' cells as shown; none: no rows. */
async function screenTable(label: string): Promise<ScreenTable> {
  // A string, evaluated in the page: this file is compiled without the DOM's types.
  return page.evaluate(`(() => {
    const el = document.querySelector('[aria-label=${JSON.stringify(label)}]');
    if (!el) throw new Error('no table ' + ${JSON.stringify(label)});
    if (el.tagName !== 'TABLE') return { keys: [], rows: [] };
    return {
      keys: [...el.querySelectorAll('thead th')].map((th) => th.dataset.key),
      rows: [...el.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())),
    };
  })()`);
}

type FileRow = Record<string, unknown>;
/** A downloaded file's tables: CSV one, XLSX a sheet each (by name), rows keyed by column, in file order. */
async function download(linkName: string): Promise<{ name: string; columns: string[]; rows: FileRow[] }[]> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName }).click()]);
  const bytes = await readFile((await file.path())!);
  if (file.suggestedFilename().endsWith('.csv')) {
    const records = parse(bytes, { columns: false }) as string[][];
    const [columns = [], ...rows] = records;
    return [{ name: 'csv', columns, rows: rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))) }];
  }
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as never);
  return book.worksheets.map((sheet) => {
    const columns = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const rows: FileRow[] = [];
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const values = row.values as unknown[];
      rows.push(Object.fromEntries(columns.map((c, i) => [c, values[i + 1]])));
    });
    return { name: sheet.name, columns, rows };
  });
}

/** A merchant's name for an id the test did not make (the operator sees every merchant's rows). */
async function nameOf(id: string): Promise<string> {
  if (!names.has(id)) names.set(id, (await expectStatus(admin.get(`/api/v1/admin/merchants/${id}`), 200)).name);
  return names.get(id)!;
}

/** A file's value as the screen shows it: amounts in their currency, conversion in %, merchants by name. */
async function shown(key: string, value: unknown, row: FileRow): Promise<string> {
  if (value === null || value === undefined || value === '') return '—';
  if (key.endsWith('Minor')) return `${(Number(value) / 100).toFixed(2)} ${String(row.currency)}`;
  if (key === 'conversion') return `${(Number(value) * 100).toFixed(2)}%`;
  if (key === 'merchantId') return nameOf(String(value));
  return String(value);
}

/** The file's table holds exactly the screen's rows: the same columns in the same order, the same values. */
async function expectSameRows(label: string, file: { columns: string[]; rows: FileRow[] }): Promise<number> {
  const screen = await screenTable(label);
  if (screen.rows.length === 0) {
    expect(file.rows).toEqual([]);
    return 0;
  }
  expect(file.columns).toEqual(screen.keys);
  const expected = await Promise.all(
    file.rows.map((row) => Promise.all(screen.keys.map((key) => shown(key, row[key], row)))),
  );
  expect(screen.rows).toEqual(expected);
  return screen.rows.length;
}

/** Each report's tables, in the order (and with the names) of its XLSX sheets; CSV holds the first. */
const REPORTS = [
  {
    menu: 'Summary report',
    path: 'summary',
    tables: [
      ['summary', 'Summary'],
      ['gateways', 'By gateway'],
      ['balances', 'Balances'],
    ],
  },
  {
    menu: 'Payment analytics',
    path: 'payment-analytics',
    tables: [
      ['byGateway', 'Conversion by gateway'],
      ['byMethod', 'Conversion by method'],
      ['byHour', 'Conversion by hour'],
      ['declinesByReason', 'Declines by reason'],
      ['declinesByPspCode', 'Declines by PSP code'],
      ['cascade', 'Cascade effect'],
    ],
  },
  { menu: 'Payment-form analytics', path: 'payment-form', tables: [['funnel', 'Funnel by merchant and day']] },
] as const;

/** Downloads the report's CSV and XLSX and compares every table with the screen; answers the rows compared. */
async function exportsMatchScreen(report: (typeof REPORTS)[number]): Promise<number> {
  const [csv] = await download('Export CSV');
  await expectSameRows(report.tables[0][1], csv!);
  const sheets = await download('Export XLSX');
  expect(sheets.map((s) => s.name)).toEqual(report.tables.map(([sheet]) => sheet));
  let compared = 0;
  for (const [i, [, label]] of report.tables.entries()) compared += await expectSameRows(label, sheets[i]!);
  return compared;
}

/** The Orders column of the summary rows of one merchant on screen. */
async function summaryOrdersOf(merchantId: string): Promise<number> {
  const { keys, rows } = await screenTable('Summary');
  const [m, o] = [keys.indexOf('merchantId'), keys.indexOf('orders')];
  return rows.filter((r) => r[m] === names.get(merchantId)).reduce((n, r) => n + Number(r[o]), 0);
}

/** The ids of the orders the list on screen shows, once they are `expected` (sorted; the list loads after Apply). */
async function listedIds(expected: string[]): Promise<string[]> {
  const cells = page.getByRole('table', { name: 'Orders' }).locator('tbody tr td:nth-child(2)');
  const want = [...expected].sort();
  let listed: string[] = [];
  for (const until = Date.now() + 15_000; Date.now() < until; await page.waitForTimeout(200)) {
    listed = (await cells.allInnerTexts()).map((t) => t.trim()).sort();
    if (JSON.stringify(listed) === JSON.stringify(want)) break;
  }
  return listed;
}

/** Exports the list with its filters in the background, waits for Ready, downloads; answers the file's order ids. */
async function backgroundExport(format: 'CSV' | 'XLSX'): Promise<string[]> {
  await pick('Export format', format);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByTestId('export-status').filter({ hasText: 'Export ready' }).waitFor({ timeout: 60_000 });
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download' }).click(),
  ]);
  const bytes = await readFile((await file.path())!);
  if (format === 'CSV') return (parse(bytes, { columns: true }) as Array<{ id: string }>).map((r) => r.id);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as never);
  const ids: string[] = [];
  book.worksheets[0]!.eachRow((row, n) => {
    if (n > 1) ids.push(String(row.getCell(1).value));
  });
  return ids;
}

describe('an operator', () => {
  beforeAll(async () => {
    const operator = await invitedPerson(api.baseUrl, admin, 'operations');
    await signIn(operator.email);
  });

  test.each(REPORTS)('opens $menu, changes the period, and its CSV and XLSX hold the rows on screen', async (r) => {
    await page.getByRole('link', { name: r.menu }).click();
    await page.waitForURL(`${api.baseUrl}/app/reports/${r.path}`);
    // The screen is loaded on first use: the previous one stays until it is there.
    await page.getByRole('heading', { name: r.menu, level: 2 }).waitFor();
    expect(await page.getByLabel('Merchant', { exact: true }).and(page.locator('input')).count()).toBe(1);
    await setPeriod(DAY1, DAY1);
    const day1 = await screenTable(r.tables[0][1]);
    expect(await exportsMatchScreen(r)).toBeGreaterThan(0);
    await setPeriod(DAY1, DAY2);
    const both = await screenTable(r.tables[0][1]);
    expect(both).not.toEqual(day1);
    expect(await exportsMatchScreen(r)).toBeGreaterThan(0);
    if (r.path === 'summary') {
      // Every merchant's figures, each merchant's own period.
      expect(await summaryOrdersOf(merchantA)).toBe(ordersIn(merchantA, [DAY1, DAY2]));
      expect(await summaryOrdersOf(merchantB)).toBe(ordersIn(merchantB, [DAY1, DAY2]));
      // The merchant filter: merchant B's figures only.
      await pick('Merchant', names.get(merchantB)!, true);
      await page.getByRole('button', { name: 'Apply' }).click();
      await page
        .getByTestId('report-shown')
        .filter({ hasText: names.get(merchantB)! })
        .waitFor();
      const { keys, rows } = await screenTable('Summary');
      expect(rows.map((row) => row[keys.indexOf('merchantId')])).toEqual(rows.map(() => names.get(merchantB)));
      expect(await summaryOrdersOf(merchantB)).toBe(ordersIn(merchantB, [DAY1, DAY2]));
      expect(await exportsMatchScreen(r)).toBeGreaterThan(0);
    }
  });

  test("exports the order list with its filters in the background: the file holds the list's orders", async () => {
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await pick('Merchant', names.get(merchantA)!, true);
    await pick('Status', 'Failed');
    await page.getByRole('button', { name: 'Apply' }).click();
    const failed = orders.filter((o) => o.spec.merchantId === merchantA && o.spec.status === 'Failed').map((o) => o.id);
    const listed = await listedIds(failed);
    expect(listed).toEqual([...failed].sort());
    const file = await backgroundExport('CSV');
    expect(file.sort()).toEqual(listed);
  });
});

describe('a merchant user', () => {
  beforeAll(async () => {
    const owner = await invitedPerson(api.baseUrl, admin, 'owner', merchantA);
    await signIn(owner.email);
  });

  test.each(REPORTS)('opens $menu, changes the period, and its CSV and XLSX hold the rows on screen', async (r) => {
    await page.getByRole('link', { name: r.menu }).click();
    await page.waitForURL(`${api.baseUrl}/app/reports/${r.path}`);
    // The screen is loaded on first use: the previous one stays until it is there.
    await page.getByRole('heading', { name: r.menu, level: 2 }).waitFor();
    // Its own merchant only: no merchant picker, no other merchant's rows.
    expect(await page.getByLabel('Merchant', { exact: true }).count()).toBe(0);
    await setPeriod(DAY1, DAY1);
    const day1 = await screenTable(r.tables[0][1]);
    expect(await exportsMatchScreen(r)).toBeGreaterThan(0);
    if (r.path === 'summary') expect(await summaryOrdersOf(merchantA)).toBe(ordersIn(merchantA, [DAY1]));
    await setPeriod(DAY1, DAY2);
    expect(await screenTable(r.tables[0][1])).not.toEqual(day1);
    expect(await exportsMatchScreen(r)).toBeGreaterThan(0);
    if (r.path === 'summary') {
      expect(await summaryOrdersOf(merchantA)).toBe(ordersIn(merchantA, [DAY1, DAY2]));
      const { keys, rows } = await screenTable('Summary');
      expect(new Set(rows.map((row) => row[keys.indexOf('merchantId')]))).toEqual(new Set([names.get(merchantA)]));
      // Days are days of the zone: at UTC+14 the orders final after 10:00 UTC on day 1 are on day 2.
      const zone = 'Pacific/Kiritimati';
      await setPeriod(DAY1, DAY1, zone);
      const inZone = ordersIn(merchantA, [DAY1], zone);
      expect(inZone).toBeLessThan(ordersIn(merchantA, [DAY1]));
      expect(await summaryOrdersOf(merchantA)).toBe(inZone);
      expect(await exportsMatchScreen(r)).toBeGreaterThan(0);
    }
  });

  test("exports its order list with its filters in the background: the file holds the list's orders", async () => {
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await pick('Status', 'Success');
    await page.getByRole('button', { name: 'Apply' }).click();
    const successes = orders.filter((o) => o.spec.merchantId === merchantA && o.spec.status === 'Success');
    const listed = await listedIds(successes.map((o) => o.id));
    expect(listed).toEqual(successes.map((o) => o.id).sort());
    const file = await backgroundExport('XLSX');
    expect(file.sort()).toEqual(listed);
  });
});
