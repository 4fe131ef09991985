import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { ReasonKey } from '../../domain/history-codes';
import { buildSignedCallback, SANDBOX_DEFAULT_CALLBACK_SECRET } from '../sandbox/callbacks';
import { createAnswerView, failureCodeOf, paymentView, type PaymentView } from '../sandbox/protocol';
import {
  type CheckFault,
  checkFaultAt,
  type CreateFault,
  createFaultAt,
  scenarioFor,
  type SandboxScenario,
} from '../sandbox/scenarios';
import { type SimulatedPayment, SimulatorStore, viewAt } from './store';

/** What an API key may do. */
export type SimulatorPermission = 'payments:read' | 'payments:write';

/** The simulator's default key with every permission. Test data, not a secret. */
export const SIMULATOR_API_KEY = 'sim_key_full_access';
/** A default key that may read payments but not create them (403 on POST). */
export const SIMULATOR_READONLY_API_KEY = 'sim_key_read_only';

/** How to start the simulator; every field has a default. */
export interface GatewaySimulatorOptions {
  /** Loopback port; 0 (the default) picks a free one. */
  port?: number;
  /** Where to POST callbacks for the scenarios that send one; none are sent without it. */
  callbackUrl?: string;
  /** Secret callbacks are signed with; defaults to the sandbox gateways' documented default. */
  callbackSecret?: string;
  /** API keys and their permissions; defaults to SIMULATOR_API_KEY and SIMULATOR_READONLY_API_KEY. */
  apiKeys?: Record<string, SimulatorPermission[]>;
  /** How long a "slow" answer takes (ms, real time); keep it above the connector's timeout. Default 10 s. */
  slowAnswerMs?: number;
  /** Simulated ms per real ms for pending times and callbacks (3600: 90 minutes pass in 1.5 s). Default 1. */
  timeScale?: number;
}

/** One callback POST the simulator made. */
export interface CallbackDelivery {
  paymentId: string;
  attempt: number;
  httpStatus?: number;
  error?: string;
}

/** A running simulator. */
export interface GatewaySimulator {
  /** Base URL, e.g. http://127.0.0.1:41234 (the API is under /v1). */
  url: string;
  /** Every payment as the PSP shows it now. */
  payments(): PaymentView[];
  /** Callback POSTs made so far. */
  callbacks(): readonly CallbackDelivery[];
  /** Closes every connection, cancels pending answers and callbacks, and stops listening. */
  stop(): Promise<void>;
}

const CreateBody = z.object({
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/),
  reference: z.string().max(200).optional(),
});

const MAX_BODY_BYTES = 64 * 1024;
const CALLBACK_ATTEMPTS = 3;
const CALLBACK_TIMEOUT_MS = 5_000;

/** HTTP status of a create declined for a reason; every other reason is a 402 with the PSP's failure code. */
const DECLINE_STATUS: Partial<Record<ReasonKey, number>> = {
  'AUTHZ.401_UNAUTHORIZED': 401,
  'AUTHZ.403_FORBIDDEN': 403,
  'TECH.INVALID_REQUEST': 400,
};

/** Bytes that look like the start of a payment and then stop: an unreadable answer. */
const MALFORMED = (id: string) => `{"id":"${id}","status":"pend`;

/**
 * A stand-in for a remote PSP on 127.0.0.1, driven by the sandbox scenario table: a tiny payments API with real
 * transport faults (slow answers, 503s, dropped connections, malformed bodies) and signed outbound callbacks.
 * State is in memory. See docs/sandbox.md.
 */
export async function startGatewaySimulator(options: GatewaySimulatorOptions = {}): Promise<GatewaySimulator> {
  const apiKeys = options.apiKeys ?? {
    [SIMULATOR_API_KEY]: ['payments:read', 'payments:write'],
    [SIMULATOR_READONLY_API_KEY]: ['payments:read'],
  };
  const slowMs = options.slowAnswerMs ?? 10_000;
  const timeScale = options.timeScale ?? 1;
  const secret = options.callbackSecret ?? SANDBOX_DEFAULT_CALLBACK_SECRET;
  const store = new SimulatorStore();
  const deliveries: CallbackDelivery[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const stopping = new AbortController();

  function later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  }

  /** Answers after the slow delay, unless the client gave up first. */
  function slowly(res: http.ServerResponse, fn: () => void): void {
    const t = later(slowMs, () => {
      if (!res.destroyed && !res.writableEnded) fn();
    });
    res.on('close', () => {
      clearTimeout(t);
      timers.delete(t);
    });
  }

  function storePayment(key: string, body: z.infer<typeof CreateBody>, scenario: SandboxScenario) {
    const stored = store.store(
      { idempotencyKey: key, amountMinor: body.amount, currency: body.currency },
      scenario,
      Date.now(),
    );
    if (stored.created) scheduleCallback(stored.payment);
    return stored.payment;
  }

  function scheduleCallback(p: SimulatedPayment): void {
    const { callback, pendingForMs } = p.scenario;
    if (!options.callbackUrl || !callback || pendingForMs === null) return;
    later(pendingForMs / timeScale, () => {
      const delivery = deliver(options.callbackUrl!, p, callback).finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    });
  }

  async function deliver(url: string, p: SimulatedPayment, callback: NonNullable<SandboxScenario['callback']>) {
    const signing = callback === 'final' ? 'valid' : callback;
    const { body, headers } = buildSignedCallback(paymentView(p, p.scenario, 'final'), signing, secret);
    for (let attempt = 1; attempt <= CALLBACK_ATTEMPTS && !stopping.signal.aborted; attempt++) {
      try {
        const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]);
        const res = await fetch(url, { method: 'POST', headers, body, signal });
        await res.arrayBuffer().catch(() => undefined);
        deliveries.push({ paymentId: p.id, attempt, httpStatus: res.status });
        if (res.ok) return;
      } catch (err) {
        deliveries.push({ paymentId: p.id, attempt, error: err instanceof Error ? err.message : String(err) });
      }
      await pause(200 * attempt, stopping.signal);
    }
  }

  const createFaults: Record<CreateFault, (res: http.ServerResponse, store: () => SimulatedPayment) => void> = {
    // A server cannot refuse a connection it has already read; dropping it unanswered is the nearest it gets.
    'connection-refused': (res) => res.socket?.destroy(),
    'server-unavailable': (res) => json(res, 503, failure('service_unavailable')),
    'timeout-before-create': (res) => slowly(res, () => json(res, 504, failure('gateway_timeout'))),
    'timeout-after-create': (res, save) => {
      const p = save();
      slowly(res, () => json(res, 201, createAnswerView(p, p.scenario)));
    },
    'connection-lost-after-create': (res, save) => {
      save();
      res.socket?.destroy();
    },
    'invalid-response': (res, save) => raw(res, 201, MALFORMED(save().id)),
  };

  const checkFaults: Record<CheckFault, (res: http.ServerResponse, p: SimulatedPayment) => void> = {
    timeout: (res, p) => slowly(res, () => json(res, 200, viewAt(p, Date.now(), timeScale))),
    'connection-fail': (res) => res.socket?.destroy(),
    'server-unavailable': (res) => json(res, 503, failure('service_unavailable')),
    'invalid-response': (res, p) => raw(res, 200, MALFORMED(p.id)),
    unauthorized: (res) => json(res, 401, failure('unauthorized')),
    forbidden: (res) => json(res, 403, failure('forbidden')),
  };

  async function create(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const key = req.headers['idempotency-key'];
    const parsed = CreateBody.safeParse(await readJson(req));
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      return json(res, 400, failure('invalid_request', 'Idempotency-Key header is required'));
    }
    if (!parsed.success) return json(res, 400, failure('invalid_request', 'amount and currency are required'));
    const body = parsed.data;
    const existing = store.find({ idempotencyKey: key });
    if (existing && (existing.amountMinor !== body.amount || existing.currency !== body.currency)) {
      return json(res, 409, failure('idempotency_key_reused'));
    }
    const scenario = existing?.scenario ?? scenarioFor(body.amount);
    const fault = createFaultAt(scenario, store.countCreate(key));
    if (fault) return createFaults[fault](res, () => storePayment(key, body, scenario));
    if (scenario.create.answer === 'declined') {
      const { reason } = scenario.create;
      const status = (reason !== null && DECLINE_STATUS[reason]) || 402;
      return json(res, status, failure(failureCodeOf(reason), 'declined'));
    }
    const wasThere = existing !== undefined;
    const payment = storePayment(key, body, scenario);
    json(res, wasThere ? 200 : 201, createAnswerView(payment, payment.scenario));
  }

  function check(res: http.ServerResponse, by: { id: string } | { idempotencyKey: string }): void {
    const p = store.find(by);
    if (!p) return json(res, 404, failure('not_found'));
    p.statusChecks += 1;
    const fault = checkFaultAt(p.scenario, p.statusChecks);
    if (fault) return checkFaults[fault](res, p);
    json(res, 200, viewAt(p, Date.now(), timeScale));
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const [v1, resource, id, ...rest] = url.pathname.split('/').filter(Boolean);
    if (v1 !== 'v1' || resource !== 'payments' || rest.length > 0) return json(res, 404, failure('not_found'));
    const isCreate = req.method === 'POST' && id === undefined;
    if (!isCreate && req.method !== 'GET') return json(res, 405, failure('method_not_allowed'));
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const permissions = key !== undefined && Object.hasOwn(apiKeys, key) ? apiKeys[key]! : undefined;
    if (!permissions) return json(res, 401, failure('unauthorized'));
    if (!permissions.includes(isCreate ? 'payments:write' : 'payments:read')) {
      return json(res, 403, failure('forbidden'));
    }
    if (isCreate) return create(req, res);
    if (id !== undefined) return check(res, { id: decodeURIComponent(id) });
    const idempotencyKey = url.searchParams.get('idempotencyKey');
    if (!idempotencyKey) return json(res, 400, failure('invalid_request', 'idempotencyKey is required'));
    check(res, { idempotencyKey });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, failure('internal_error'));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    payments: () => store.list(Date.now(), timeScale),
    callbacks: () => [...deliveries],
    async stop() {
      stopping.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function failure(code: string, message?: string) {
  return { error: { code, ...(message ? { message } : {}) } };
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  raw(res, status, JSON.stringify(body));
}

function raw(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

/** The request body as JSON; undefined when it is not JSON or too large. */
async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even when too large: leaving the loop early would destroy the socket before the 400 is sent.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
