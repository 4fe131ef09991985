/**
 * Load through the merchant API: orders created over HTTP (keep-alive sockets, node:http), each done when its
 * signed merchant callback reaches the sink; status reads at a fixed rate alongside. Closed loop (a fixed number
 * of orders in flight, for the peak) and open loop (a fixed arrival rate, for latency at a given load).
 */
import http from 'node:http';
import { BENCH_AMOUNT, BENCH_CARD, BENCH_CURRENCY, isPayout } from './plan';

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with server timestamps on this machine). */
export const wallNow = (): number => performance.timeOrigin + performance.now();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface HttpAnswer {
  status: number;
  body: string;
  ms: number;
}

/** A small JSON-over-HTTP client with keep-alive sockets; latency is from the call to the last body byte. */
export function createHttpClient(baseUrl: string, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const base = new URL(baseUrl);
  return {
    request(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<HttpAnswer> {
      return new Promise((resolve, reject) => {
        const started = performance.now();
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const req = http.request(
          {
            host: base.hostname,
            port: base.port,
            method,
            path,
            agent,
            headers: payload
              ? { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) }
              : headers,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
                ms: performance.now() - started,
              }),
            );
          },
        );
        req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
        req.on('error', reject);
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
export type HttpClient = ReturnType<typeof createHttpClient>;

/** One order of the bench, as the load generator saw it. */
export interface OrderRecord {
  n: number;
  phase: string;
  direction: 'deposit' | 'payout';
  externalTransactionId: string;
  externalId?: string;
  sentAt: number;
  createMs?: number;
  createStatus?: number;
  createError?: string;
  callbackAt?: number;
  callbackStatus?: string;
  /** When the order's first final history entry was written (from PostgreSQL, after the phase). */
  finalAt?: number;
}

/** One status read. */
export interface StatusRead {
  at: number;
  ms: number;
  status: number;
}

/** Creates orders and tracks them until their merchant callback arrives. */
export class OrderLoad {
  readonly records: OrderRecord[] = [];
  private readonly byExt = new Map<string, OrderRecord>();
  private readonly waiters = new Map<string, () => void>();
  private n = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly keys: { deposit: string; payout: string },
    private readonly callbackUrl: string,
    private readonly runId: string,
    private readonly payoutShare: number,
  ) {}

  /** The sink hands every callback body here. */
  onCallback(body: string): void {
    const at = wallNow();
    let payload: { externalTransactionId?: unknown; orderStatus?: unknown };
    try {
      payload = JSON.parse(body) as typeof payload;
    } catch {
      return;
    }
    const ext = typeof payload.externalTransactionId === 'string' ? payload.externalTransactionId : undefined;
    const record = ext ? this.byExt.get(ext) : undefined;
    if (!record || record.callbackAt !== undefined) return;
    record.callbackAt = at;
    record.callbackStatus = String(payload.orderStatus);
    this.waiters.get(record.externalTransactionId)?.();
    this.waiters.delete(record.externalTransactionId);
  }

  /** Creates the next order of the mix (or of the given direction); resolves once the create answered. */
  async create(phase: string, only?: 'deposit' | 'payout'): Promise<OrderRecord> {
    const n = this.n++;
    const direction = only ?? (isPayout(n, this.payoutShare) ? 'payout' : 'deposit');
    const record: OrderRecord = {
      n,
      phase,
      direction,
      externalTransactionId: `bench-${this.runId}-${phase}-${n}`,
      sentAt: wallNow(),
    };
    this.records.push(record);
    this.byExt.set(record.externalTransactionId, record);
    const path = direction === 'deposit' ? '/api/v1/integration/deposit-order' : '/api/v1/integration/withdrawal-order';
    try {
      const answer = await this.http.request(
        'POST',
        path,
        { authorization: `Bearer ${this.keys[direction]}` },
        {
          amount: BENCH_AMOUNT,
          currency: BENCH_CURRENCY,
          externalTransactionId: record.externalTransactionId,
          callbackUrl: this.callbackUrl,
          additionalFields: [{ key: 'cardNumber', value: BENCH_CARD }],
        },
      );
      record.createMs = answer.ms;
      record.createStatus = answer.status;
      if (answer.status === 200) {
        record.externalId = (JSON.parse(answer.body) as { externalId: string }).externalId;
      } else {
        record.createError = answer.body.slice(0, 300);
      }
    } catch (err) {
      record.createError = err instanceof Error ? err.message : String(err);
    }
    return record;
  }

  /** Resolves true when the order's callback has arrived, false after the timeout (or if the create failed). */
  done(record: OrderRecord, timeoutMs: number): Promise<boolean> {
    if (record.callbackAt !== undefined) return Promise.resolve(true);
    if (record.externalId === undefined) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(record.externalTransactionId);
        resolve(false);
      }, timeoutMs);
      this.waiters.set(record.externalTransactionId, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Reads the status of a random order of the phase, alternately by externalId and by externalTransactionId. */
  async readStatus(phase: string, i: number): Promise<StatusRead | undefined> {
    const candidates = this.records.filter((r) => r.phase === phase && r.externalId !== undefined);
    const record = candidates[Math.floor(Math.random() * candidates.length)];
    if (!record) return undefined;
    const base =
      record.direction === 'deposit' ? '/api/v1/integration/deposit-order' : '/api/v1/integration/withdrawal-order';
    const path =
      i % 2 === 0
        ? `${base}/${record.externalId}/status`
        : `${base}/${encodeURIComponent(record.externalTransactionId)}/status-by-external-transaction-id`;
    const at = wallNow();
    try {
      const answer = await this.http.request('GET', path, { authorization: `Bearer ${this.keys[record.direction]}` });
      return { at, ms: answer.ms, status: answer.status };
    } catch {
      return { at, ms: wallNow() - at, status: 0 };
    }
  }
}

/** Status reads at a fixed rate until `stop` resolves; each read is its own request (open loop). */
async function statusReads(load: OrderLoad, phase: string, rate: number, stop: Promise<void>): Promise<StatusRead[]> {
  const reads: StatusRead[] = [];
  if (rate <= 0) return reads;
  const pending: Array<Promise<void>> = [];
  let stopped = false;
  void stop.then(() => (stopped = true));
  const start = performance.now();
  for (let i = 0; !stopped; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await Promise.race([sleep(wait), stop]);
    if (stopped) break;
    pending.push(
      load.readStatus(phase, i).then((read) => {
        if (read) reads.push(read);
      }),
    );
  }
  await Promise.all(pending);
  return reads;
}

export interface PhaseLoad {
  records: OrderRecord[];
  statusReads: StatusRead[];
  /** When creates began and when the last create of the measured window was sent. */
  startedAt: number;
  stoppedAt: number;
  /** Orders still without a callback when the drain gave up. */
  incomplete: number;
}

/**
 * Burst: `count` orders created as fast as the API takes them, `concurrency` creates in flight, without waiting
 * for the orders; then every order is awaited (up to `timeoutMs` from the start). The backlog drains at the rate
 * the engine can sustain.
 */
export async function burst(
  load: OrderLoad,
  opts: { phase: string; count: number; concurrency: number; timeoutMs: number; statusRate: number },
): Promise<PhaseLoad> {
  const startedAt = wallNow();
  let signalStop!: () => void;
  const stop = new Promise<void>((r) => (signalStop = r));
  const reads = statusReads(load, opts.phase, opts.statusRate, stop);
  let left = opts.count;
  const lane = async () => {
    while (left > 0) {
      left -= 1;
      const record = await load.create(opts.phase);
      if (record.externalId === undefined) await sleep(50); // a refused create: do not spin
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.count) }, lane));
  const stoppedAt = wallNow();
  const records = load.records.filter((r) => r.phase === opts.phase);
  const done = await Promise.all(records.map((r) => load.done(r, Math.max(1, startedAt + opts.timeoutMs - wallNow()))));
  signalStop();
  return {
    records,
    statusReads: await reads,
    startedAt,
    stoppedAt,
    incomplete: done.filter((ok) => !ok).length,
  };
}

/**
 * Closed loop: `concurrency` virtual merchants, each creating an order and waiting for its callback before the
 * next, for `durationMs`; then the orders in flight drain (up to `drainMs`).
 */
export async function closedLoop(
  load: OrderLoad,
  opts: { phase: string; concurrency: number; durationMs: number; drainMs: number; statusRate: number },
): Promise<PhaseLoad> {
  const startedAt = wallNow();
  const stopAt = startedAt + opts.durationMs;
  let signalStop!: () => void;
  const stop = new Promise<void>((r) => (signalStop = r));
  const reads = statusReads(load, opts.phase, opts.statusRate, stop);
  let incomplete = 0;
  const lane = async () => {
    while (wallNow() < stopAt) {
      const record = await load.create(opts.phase);
      if (record.externalId === undefined) {
        await sleep(50); // a refused create: do not spin
        continue;
      }
      const left = stopAt + opts.drainMs - wallNow();
      if (!(await load.done(record, Math.max(left, 1)))) incomplete += 1;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  signalStop();
  const records = load.records.filter((r) => r.phase === opts.phase);
  return { records, statusReads: await reads, startedAt, stoppedAt: stopAt, incomplete };
}

/**
 * Open loop: orders arrive at `rate` per second for `durationMs` whatever the latency (a slow API does not slow
 * the arrivals down); then the orders in flight drain (up to `drainMs`).
 */
export async function openLoop(
  load: OrderLoad,
  opts: { phase: string; rate: number; durationMs: number; drainMs: number; statusRate: number },
): Promise<PhaseLoad> {
  const startedAt = wallNow();
  let signalStop!: () => void;
  const stop = new Promise<void>((r) => (signalStop = r));
  const reads = statusReads(load, opts.phase, opts.statusRate, stop);
  const inFlight: Array<Promise<boolean>> = [];
  const total = Math.max(1, Math.round((opts.rate * opts.durationMs) / 1000));
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / opts.rate - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(
      load
        .create(opts.phase)
        .then((record) => load.done(record, startedAt + opts.durationMs + opts.drainMs - wallNow())),
    );
  }
  const stoppedAt = wallNow();
  const results = await Promise.all(inFlight);
  signalStop();
  const records = load.records.filter((r) => r.phase === opts.phase);
  return {
    records,
    statusReads: await reads,
    startedAt,
    stoppedAt,
    incomplete: results.filter((ok) => !ok).length,
  };
}

/** A fixed number of orders of one direction, a few at a time: the quiet sample the per-order costs come from. */
export async function orderBatch(
  load: OrderLoad,
  opts: { phase: string; direction: 'deposit' | 'payout'; count: number; concurrency: number; timeoutMs: number },
): Promise<OrderRecord[]> {
  let left = opts.count;
  const lane = async () => {
    while (left > 0) {
      left -= 1;
      const record = await load.create(opts.phase, opts.direction);
      await load.done(record, opts.timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.count) }, lane));
  return load.records.filter((r) => r.phase === opts.phase);
}
