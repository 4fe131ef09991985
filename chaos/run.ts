/**
 * One chaos run (docs/chaos.md): deposits and payouts through the API while the worker, the Temporal dev server and
 * PostgreSQL are killed with -9 in turn and started again; then the checks. Bounded in orders and time, loopback
 * only, and it stops everything it started.
 */
import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { type ChaosStack, type Part, startChaosStack } from './stack';

export interface ChaosOptions {
  /** Orders in all, deposits and payouts alternating. */
  orders: number;
  /** How long each killed part stays down. */
  downMs: number;
  /** Creates in flight at once. */
  concurrency: number;
  /** Bound on waiting for every order to be final and called back. */
  settleMs: number;
  /** Pause after a part is back before the next kill (3 s by default). */
  pauseMs?: number;
  outDir: string;
  say: (line: string) => void;
  workflowBundle?: string;
}

export interface KillRow {
  part: Part;
  /** Orders created when the part was killed. */
  createdAtKill: number;
  downMs: number;
  /** From the restart until the part served again. */
  restartMs: number;
}

export interface ChaosResult {
  orders: number;
  kills: KillRow[];
  /** HTTP statuses of every create attempt, counted. */
  statuses: Record<number, number>;
  final: { Success: number; Failed: number };
  callbacks: { delivered: number; duplicates: number };
  /** Every broken expectation, in words; empty when the run passed. */
  violations: string[];
  seconds: number;
}

/** The sandbox scenario is chosen by the amount's cents (docs/sandbox.md). */
const AMOUNTS: Array<{ amount: number; expect: 'Success' | 'Failed'; pays: boolean }> = [
  { amount: 10.09, expect: 'Success', pays: true }, // paid in the create's answer
  { amount: 10.0, expect: 'Success', pays: true }, // pending, paid at the first status check
  { amount: 10.1, expect: 'Failed', pays: false }, // create declined
  { amount: 10.02, expect: 'Failed', pays: false }, // declined at the first status check
];
/** Scenarios in which a sandbox payment pays: at most one of them per order. */
const PAYING_SCENARIOS = ['success', 'success-at-create'];
const KILLS: Part[] = ['worker', 'Temporal', 'PostgreSQL'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Planned {
  i: number;
  direction: 'deposit' | 'payout';
  externalTransactionId: string;
  amount: number;
  expect: 'Success' | 'Failed';
  externalId?: string;
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosResult> {
  const t0 = Date.now();
  const stack = await startChaosStack(opts);
  opts.say(`stack up in ${Date.now() - t0} ms (API ${stack.apiUrl})`);
  try {
    return await exercise(stack, opts, t0);
  } finally {
    await stack.stop();
  }
}

async function exercise(stack: ChaosStack, opts: ChaosOptions, t0: number): Promise<ChaosResult> {
  const runId = randomUUID().slice(0, 8);
  const plan: Planned[] = Array.from({ length: opts.orders }, (_, i) => ({
    i,
    direction: i % 2 === 0 ? 'deposit' : 'payout',
    externalTransactionId: `chaos-${runId}-${i}`,
    ...AMOUNTS[Math.floor(i / 2) % AMOUNTS.length]!,
  }));
  const violations: string[] = [];
  const statuses: Record<number, number> = {};
  let created = 0;

  /** One order's create, repeated with the same body on the documented "retry" answers until it is taken. */
  const create = async (order: Planned) => {
    const body = JSON.stringify({
      amount: order.amount,
      currency: 'USD',
      externalTransactionId: order.externalTransactionId,
      callbackUrl: stack.callbackUrl,
      additionalFields: [{ key: 'cardNumber', value: '4111111111111111' }],
    });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await fetch(
        `${stack.apiUrl}/api/v1/integration/${order.direction === 'deposit' ? 'deposit' : 'withdrawal'}-order`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${order.direction === 'deposit' ? stack.keys.deposit : stack.keys.payout}`,
          },
          body,
          signal: AbortSignal.timeout(30_000),
        },
      ).catch(() => undefined);
      const status = res?.status ?? 0;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (res?.status === 200) {
        order.externalId = ((await res.json()) as { externalId: string }).externalId;
        created += 1;
        return;
      }
      const text = await res?.text().catch(() => '');
      if (res && res.status !== 503 && res.status !== 423) {
        violations.push(`create ${order.externalTransactionId}: unexpected ${res.status} ${text?.slice(0, 200)}`);
        if (res.status < 500) return;
      }
      if (Date.now() > deadline) {
        violations.push(`create ${order.externalTransactionId}: not taken within 120 s`);
        return;
      }
      await sleep(250);
    }
  };

  // Creates at a steady pace across the kills, in one share per phase: the orders of share k wait until kill k has
  // begun, so every kill lands with orders still to create, however slowly the machine restarts a part.
  const pauseMs = opts.pauseMs ?? 3_000;
  const killSpanMs = KILLS.length * (opts.downMs + pauseMs + 3_000);
  const gapMs = Math.max(5, Math.floor(killSpanMs / opts.orders));
  const share = Math.ceil(opts.orders / (KILLS.length + 1));
  const killBegun = KILLS.map(() => {
    let begin!: () => void;
    const begun = new Promise<void>((resolve) => (begin = resolve));
    return { begun, begin };
  });
  const creating = (async () => {
    const inFlight = new Set<Promise<void>>();
    for (const order of plan) {
      const phase = Math.min(Math.floor(order.i / share), KILLS.length);
      if (phase > 0) await killBegun[phase - 1]!.begun;
      while (inFlight.size >= opts.concurrency) await Promise.race(inFlight);
      const p = create(order).finally(() => inFlight.delete(p));
      inFlight.add(p);
      await sleep(gapMs);
    }
    await Promise.all(inFlight);
  })();

  const kills: KillRow[] = [];
  await sleep(Math.min(2_000, killSpanMs / 10));
  for (const [k, part] of KILLS.entries()) {
    const createdAtKill = created;
    opts.say(`kill -9 ${part} (${createdAtKill} orders created)`);
    killBegun[k]!.begin();
    await stack.kill(part);
    await sleep(opts.downMs);
    const r0 = Date.now();
    await stack.restart(part);
    kills.push({ part, createdAtKill, downMs: opts.downMs, restartMs: Date.now() - r0 });
    opts.say(`${part} back in ${Date.now() - r0} ms`);
    await sleep(pauseMs);
  }
  await creating;
  opts.say(`${created} of ${plan.length} orders created; waiting for every order to be final and called back`);

  const taken = plan.filter((o) => o.externalId);
  const ids = taken.map((o) => o.externalId!);
  const pg = new PgClient({ connectionString: stack.databaseUrl });
  await pg.connect();
  try {
    const finalCount = async () =>
      Number(
        (
          await pg.query(`SELECT count(*) AS n FROM orders WHERE id = ANY($1) AND status IN ('Success', 'Failed')`, [
            ids,
          ])
        ).rows[0].n,
      );
    const calledBack = () => new Set(stack.callbacks.map((c) => parseCallback(c.body)?.externalId)).size;
    const settleBy = Date.now() + opts.settleMs;
    const s0 = Date.now();
    let lastFinal = -1;
    for (;;) {
      const finalNow = await finalCount();
      if (finalNow !== lastFinal) opts.say(`${finalNow} final, ${calledBack()} called back (${Date.now() - s0} ms)`);
      lastFinal = finalNow;
      if ((finalNow >= ids.length && calledBack() >= ids.length) || Date.now() > settleBy) break;
      await sleep(500);
    }
    opts.say(`settled in ${Date.now() - s0} ms`);
    return await check(pg, stack, taken, { violations, statuses, kills, t0, orders: plan.length });
  } finally {
    await pg.end();
  }
}

function parseCallback(body: string): { eventId: string; externalId: string; orderStatus: string } | undefined {
  try {
    return JSON.parse(body) as { eventId: string; externalId: string; orderStatus: string };
  } catch {
    return undefined;
  }
}

async function check(
  pg: PgClient,
  stack: ChaosStack,
  taken: Planned[],
  run: { violations: string[]; statuses: Record<number, number>; kills: KillRow[]; t0: number; orders: number },
): Promise<ChaosResult> {
  const { violations } = run;
  const ids = taken.map((o) => o.externalId!);
  const rows = await pg.query<{
    id: string;
    direction: string;
    status: string;
    amount_minor: string;
    paying: string;
    payments: string;
    deposit_postings: string;
    payout_postings: string;
    money: string | null;
    held: string;
  }>(
    `SELECT o.id, o.direction, o.status, o.amount_minor,
            (SELECT count(*) FROM sandbox_payments s
              WHERE s.idempotency_key LIKE o.workflow_id || ':%' AND s.scenario = ANY($2)) AS paying,
            (SELECT count(*) FROM sandbox_payments s WHERE s.idempotency_key LIKE o.workflow_id || ':%') AS payments,
            (SELECT count(*) FROM ledger_postings l WHERE l.order_id = o.id AND l.kind = 'deposit') AS deposit_postings,
            (SELECT count(*) FROM ledger_postings l WHERE l.order_id = o.id AND l.kind = 'payout') AS payout_postings,
            (SELECT sum(amount_minor) FROM ledger_postings l
              WHERE l.order_id = o.id AND l.kind IN ('deposit', 'payout')) AS money,
            (SELECT count(*) FROM balance_holds h WHERE h.order_id = o.id AND h.status = 'held') AS held
       FROM orders o WHERE o.id = ANY($1)`,
    [ids, PAYING_SCENARIOS],
  );
  const byId = new Map(rows.rows.map((r) => [r.id, r]));
  const final = { Success: 0, Failed: 0 };
  for (const order of taken) {
    const row = byId.get(order.externalId!);
    const name = `${order.direction} ${order.externalId} (${order.amount})`;
    if (!row) {
      violations.push(`${name}: no order row`);
      continue;
    }
    if (row.status !== 'Success' && row.status !== 'Failed') {
      violations.push(`${name}: not final (${row.status})`);
      continue;
    }
    final[row.status] += 1;
    if (row.status !== order.expect) violations.push(`${name}: ${row.status}, its scenario says ${order.expect}`);
    if (Number(row.paying) > 1) violations.push(`${name}: paid ${row.paying} times at the gateway`);
    if (Number(row.deposit_postings) > 1 || Number(row.payout_postings) > 1) {
      violations.push(`${name}: ledger posting doubled`);
    }
    const amount = Number(row.amount_minor);
    const expected = row.status === 'Success' ? (row.direction === 'deposit' ? amount : -amount) : 0;
    if (Number(row.money ?? 0) !== expected) {
      violations.push(`${name}: ${row.status} but the ledger moved ${row.money ?? 0} (expected ${expected})`);
    }
    if (Number(row.held) > 0) violations.push(`${name}: final with a balance still held`);
  }

  const callbacks = stack.callbacks.map(
    (c) => JSON.parse(c.body) as { eventId: string; externalId: string; orderStatus: string },
  );
  let duplicates = 0;
  const delivered = new Set<string>();
  for (const order of taken) {
    const row = byId.get(order.externalId!);
    if (!row || (row.status !== 'Success' && row.status !== 'Failed')) continue;
    const mine = callbacks.filter((c) => c.externalId === order.externalId && c.orderStatus === row.status);
    if (mine.length === 0) {
      violations.push(`${order.direction} ${order.externalId}: final (${row.status}) but no callback arrived`);
      continue;
    }
    delivered.add(order.externalId!);
    duplicates += mine.length - 1;
    if (new Set(mine.map((c) => c.eventId)).size > 1) {
      violations.push(`${order.direction} ${order.externalId}: its ${row.status} callback came with several event ids`);
    }
  }
  return {
    orders: run.orders,
    kills: run.kills,
    statuses: run.statuses,
    final,
    callbacks: { delivered: delivered.size, duplicates },
    violations,
    seconds: (Date.now() - run.t0) / 1000,
  };
}

/** The run as a Markdown table (docs/chaos.md keeps one). */
export function chaosTable(result: ChaosResult): string {
  const statuses = Object.entries(result.statuses)
    .map(([status, n]) => `${status === '0' ? 'no answer' : status}: ${n}`)
    .join(', ');
  return [
    '| part killed (-9) | orders created at the kill | down (ms) | back after restart (ms) |',
    '| ---------------- | -------------------------- | --------- | ----------------------- |',
    ...result.kills.map((k) => `| ${k.part} | ${k.createdAtKill} | ${k.downMs} | ${k.restartMs} |`),
    '',
    '| orders | Success | Failed | callbacks delivered (duplicates) | create answers | violations | run (s) |',
    '| ------ | ------- | ------ | -------------------------------- | -------------- | ---------- | ------- |',
    `| ${result.orders} | ${result.final.Success} | ${result.final.Failed} | ${result.callbacks.delivered} ` +
      `(${result.callbacks.duplicates}) | ${statuses} | ${result.violations.length} | ${result.seconds.toFixed(0)} |`,
  ].join('\n');
}
