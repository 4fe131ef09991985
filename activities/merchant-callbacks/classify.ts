import { findHistoryCode, type HistoryCode, type ReasonKey } from '../../domain/history-codes';
import type { OrderStatus } from '../../domain/order';
import type { TransportOutcome } from './transport';

/** Why an attempt failed; each maps to RR 11–14 of the 6.2.B.RR codes. */
export type FailureReason = 'timeout' | 'connection' | 'server' | 'response';

/** The statuses a callback is sent for. */
export type FinalStatus = Extract<OrderStatus, 'Success' | 'Failed'>;

const REASON_KEYS = {
  timeout: 'TECH.TIMEOUT',
  connection: 'TECH.CONNECTION_FAIL',
  server: 'TECH.SERVER_UNAVAILABLE',
  response: 'TECH.INVALID_RESPONSE',
} as const satisfies Record<FailureReason, ReasonKey>;

// Looked up once at load, so a catalog without one of these codes stops the worker at start, not at a failure.
const FAILURE_CODES: Record<FinalStatus, Record<FailureReason, HistoryCode>> = {
  Success: codesFor('success'),
  Failed: codesFor('failed'),
};

function codesFor(status: 'success' | 'failed'): Record<FailureReason, HistoryCode> {
  const entries = Object.entries(REASON_KEYS).map(([reason, key]) => {
    const found = findHistoryCode({ actor: 'MERCHANT_CALLBACK', class: 'failure', status, reason: key });
    if (!found) throw new Error(`the history code catalog has no merchant callback failure ${status}/${key}`);
    return [reason, found.code] as const;
  });
  return Object.fromEntries(entries) as Record<FailureReason, HistoryCode>;
}

/** True for the statuses a callback is sent for. */
export const isFinalStatus = (s: OrderStatus): s is FinalStatus => s === 'Success' || s === 'Failed';

/** The 6.2.B.RR code of a failed attempt, B from the order's final status. */
export const failureCode = (status: FinalStatus, reason: FailureReason): HistoryCode => FAILURE_CODES[status][reason];

/**
 * What an HTTP status means for delivery: only a 2xx acknowledges the callback, and 5xx is the merchant being
 * down. Everything else (3xx, 4xx, a stray 1xx) is an answer that cannot count as an acknowledgement; a 3xx in
 * particular, because redirects are not followed, so a moved endpoint surfaces as a configuration error.
 */
export function classifyHttpStatus(status: number): 'delivered' | FailureReason {
  if (status >= 200 && status <= 299) return 'delivered';
  if (status >= 500 && status <= 599) return 'server';
  return 'response';
}

/** What one attempt came to, as the delivery log and the workflow see it. */
export type Verdict =
  | { delivered: true; code: null; httpStatus: number; error: null }
  | { delivered: false; code: HistoryCode; httpStatus: number | null; error: string };

/** Turns an attempt's outcome into its verdict; B of the failure code is the order's final status. */
export function judgeAttempt(status: FinalStatus, outcome: TransportOutcome): Verdict {
  if (!outcome.ok) {
    return { delivered: false, code: failureCode(status, outcome.reason), httpStatus: null, error: outcome.error };
  }
  const { httpStatus } = outcome;
  const reason = classifyHttpStatus(httpStatus);
  return reason === 'delivered'
    ? { delivered: true, code: null, httpStatus, error: null }
    : { delivered: false, code: failureCode(status, reason), httpStatus, error: `HTTP ${httpStatus}` };
}

/** A transport failure before any response: its reason and a short description that is safe to store. */
export interface TransportFailure {
  reason: Exclude<FailureReason, 'server'>;
  error: string;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Classifies an error thrown by fetch when the attempt's own timeout did not fire. Node's fetch wraps the cause:
 * a malformed HTTP answer (the parser's HPE_* codes) is an invalid response; undici's own header/body timeouts
 * are timeouts; everything else before a response — refused, reset, DNS, TLS, undici's connect timeout (no
 * connection was ever made) — is a connection failure.
 */
export function classifyTransportError(err: unknown): TransportFailure {
  const cause = (err as { cause?: unknown } | null)?.cause;
  const code = errorCode(cause) ?? errorCode(err);
  const error = describeError(cause ?? err, code);
  if (code?.startsWith('HPE_')) return { reason: 'response', error };
  if (code && TIMEOUT_CODES.has(code)) return { reason: 'timeout', error };
  return { reason: 'connection', error };
}

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A one-line description of an error, at most 200 characters. */
export function describeError(e: unknown, code = errorCode(e)): string {
  // Duck-typed: errors from Node's internals fail `instanceof Error` under jest's separate realm.
  const raw = (e as { message?: unknown } | null)?.message;
  const message = typeof raw === 'string' ? raw : String(e);
  const text = code && !message.includes(code) ? `${code}: ${message}` : message;
  return shorten(text.replace(/\s+/g, ' '));
}

/** Cuts a text to the length the delivery log keeps. */
export const shorten = (text: string, max = 200): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
