import { z } from 'zod';
import type { CreateOutcome, StatusOutcome } from '../../domain/gateway-contract';
import { CODES } from '../../domain/history-codes';
import { createDeclinedCode } from '../codes';
import { createOutcomeOf, type PaymentView, PaymentViewSchema, reasonOf, statusOutcomeOf } from '../sandbox/protocol';
import type { HttpAnswer } from './transport';

/**
 * How the HTTP connector reads the PSP's answers. Decided by tables, per HTTP status, so that a new status is a
 * new row. The rule behind them: a create is ambiguous whenever the PSP may have stored the payment without the
 * engine learning it (timeout after sending, lost connection, unreadable or unexpected answer, 504 from a proxy);
 * it is a plain failure only when the PSP certainly did not act (no connection, 5xx from the PSP itself).
 */

const AMBIGUOUS_TIMEOUT: CreateOutcome = { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_TIMEOUT, ambiguous: true };
const AMBIGUOUS_RESPONSE: CreateOutcome = { kind: 'failed', code: CODES.GATEWAY_AMBIGUOUS_RESPONSE, ambiguous: true };
const UNAVAILABLE: CreateOutcome = { kind: 'failed', code: '2.2.4.13', ambiguous: false };

/** Create answers the HTTP status decides alone. 402 (a decline) is read from its body; 2xx from the payment. */
const CREATE_BY_STATUS: Readonly<Record<number, CreateOutcome>> = {
  400: { kind: 'declined', code: '2.2.4.15' },
  /** The idempotency key was used before with another amount or currency. */
  409: { kind: 'declined', code: '2.2.4.15' },
  422: { kind: 'declined', code: '2.2.4.15' },
  401: { kind: 'declined', code: '2.2.4.21' },
  403: { kind: 'declined', code: '2.2.4.22' },
  500: UNAVAILABLE,
  502: UNAVAILABLE,
  503: UNAVAILABLE,
  /** A proxy gave up waiting for the PSP, which may still have taken the payment. */
  504: AMBIGUOUS_TIMEOUT,
};

/** Status-check answers the HTTP status decides alone; 2xx is read from the payment. */
const STATUS_BY_STATUS: Readonly<Record<number, StatusOutcome>> = {
  400: { kind: 'error', code: '4.2.2.15' },
  401: { kind: 'error', code: '4.2.2.21' },
  403: { kind: 'error', code: '4.2.2.22' },
  404: { kind: 'not_found', code: CODES.CHECK_NOT_FOUND },
};

const ErrorBody = z.object({ error: z.object({ code: z.string() }) });

/** The outcome of a create for the PSP's answer to it. */
export function createOutcomeOfAnswer(answer: HttpAnswer, idempotencyKey: string): CreateOutcome {
  if (answer.kind === 'timeout') return AMBIGUOUS_TIMEOUT;
  if (answer.kind === 'network') {
    return answer.sent ? AMBIGUOUS_TIMEOUT : { kind: 'failed', code: '2.2.4.12', ambiguous: false };
  }
  const { status, body } = answer;
  if (status === 200 || status === 201) {
    const view = paymentOf(body, idempotencyKey);
    return view ? createOutcomeOf(view) : AMBIGUOUS_RESPONSE;
  }
  if (status === 402) {
    const parsed = ErrorBody.safeParse(parseJson(body));
    return { kind: 'declined', code: createDeclinedCode(parsed.success ? reasonOf(parsed.data.error.code) : null) };
  }
  return CREATE_BY_STATUS[status] ?? (status >= 500 ? UNAVAILABLE : AMBIGUOUS_RESPONSE);
}

/** The outcome of a status check for the PSP's answer to it. A check changes nothing, so no fault is ambiguous. */
export function statusOutcomeOfAnswer(answer: HttpAnswer, idempotencyKey: string): StatusOutcome {
  if (answer.kind === 'timeout') return { kind: 'error', code: '4.2.2.11' };
  if (answer.kind === 'network') return { kind: 'error', code: '4.2.2.12' };
  const { status, body } = answer;
  if (status === 200) {
    const view = paymentOf(body, idempotencyKey);
    return view ? statusOutcomeOf(view) : { kind: 'error', code: '4.2.2.14' };
  }
  return STATUS_BY_STATUS[status] ?? { kind: 'error', code: status >= 500 ? '4.2.2.13' : '4.2.2.14' };
}

/** The payment in an answer, if it is one and it is ours: a payment for another key is as bad as no payment. */
function paymentOf(body: string, idempotencyKey: string): PaymentView | undefined {
  const parsed = PaymentViewSchema.safeParse(parseJson(body));
  return parsed.success && parsed.data.idempotencyKey === idempotencyKey ? parsed.data : undefined;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
