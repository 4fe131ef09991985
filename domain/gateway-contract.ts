/**
 * What gateway connectors answer, already mapped to history codes. Pure types: workflows import them, connectors
 * (gateways/) implement them. A decline is data; connectors throw only for bugs (the activity retry policy then
 * applies), never for a gateway's answer or a network fault, so the workflow sees and records every outcome.
 */
import type { CascadeDecision } from './cascade-policy';
import type { HistoryCode } from './history-codes';
import type { Direction } from './order';
import type { OrderRequisites, PaymentMethod } from './requisites';

/** A payment card as a connector gets it from the card vault, right before the call; never in a workflow. */
export interface PaymentCard {
  /** The full number, digits only. */
  number: string;
  /** MM/YY. */
  expiry?: string;
  holder?: string;
  /** Only on an order's first authorization attempt (destroyed after it); see docs/card-vault.md. */
  cvc?: string;
}

/**
 * What a connector may send its PSP. Workflows pass {@link OrderRequisites} (no card number); the gateway activity
 * adds the order's vaulted data (the card, bankName, and every requisite the order carried) just before the call.
 */
export interface GatewayRequisites extends OrderRequisites {
  card?: PaymentCard;
  bankName?: string;
}

/**
 * The PSP's own words for an answer, kept next to our history code in the details of the history entry (never card
 * data: connectors mask digit runs in messages). `code` is the PSP's most specific code (a decline code, an error
 * code, or the payment's status), `message` its human text when it has one.
 */
export interface PspAnswer {
  code: string;
  message?: string;
}

/** What the engine asks a gateway to do. The idempotency key is stable across retries of the same attempt. */
export interface GatewayPaymentRequest {
  idempotencyKey: string;
  orderId: string;
  direction: Direction;
  amountMinor: number;
  currency: string;
  requisites: GatewayRequisites;
}

/**
 * Why a gateway activity failed instead of answering: its failure types, read by the workflow. `unknown` and
 * `misconfigured` are found before anything is sent, so the workflow may cascade at once; `configUnavailable` is
 * our own database failing before the call; `unusableOnRetry` is an unknown or misconfigured gateway met by a
 * retry of a create whose earlier attempt may have sent the payment (the workflow resolves it like a timeout).
 */
export const GATEWAY_FAILURE = {
  unknown: 'UnknownGateway',
  misconfigured: 'GatewayMisconfigured',
  configUnavailable: 'GatewayConfigUnavailable',
  unusableOnRetry: 'GatewayUnusableOnRetry',
} as const;

/** The failures that prove the request never left the engine. */
export const NOT_SENT_FAILURES: readonly string[] = [GATEWAY_FAILURE.unknown, GATEWAY_FAILURE.misconfigured];

/** The answer to a create. */
export type CreateOutcome =
  /** The gateway has the payment: pending (2.1.2.00) or already final (2.1.3.00). */
  | { kind: 'accepted'; status: 'pending' | 'success'; gatewayRef: string; code: HistoryCode; psp?: PspAnswer }
  /** A definitive answer that the payment will not happen here (2.2.4.xx: business, authz, risk, issuer, request). */
  | {
      kind: 'declined';
      code: HistoryCode;
      gatewayRef?: string;
      psp?: PspAnswer;
      /** An operator's override of the cascade decision for this PSP answer (gateway answers as data). */
      decision?: CascadeDecision;
    }
  /**
   * A technical failure. `ambiguous`: the request may have reached the gateway (timeout after sending, invalid
   * response: 2.0.2.11 / 2.0.2.14) and must be resolved by a status check before anything is cascaded;
   * otherwise it certainly did not (connection refused, 5xx: 2.2.4.12 / 2.2.4.13).
   */
  | { kind: 'failed'; code: HistoryCode; ambiguous: boolean; psp?: PspAnswer };

/** The answer to a status check (by gateway reference, or by idempotency key when there is none yet). */
export type StatusOutcome = (
  | { kind: 'pending'; code: HistoryCode }
  | {
      kind: 'success';
      code: HistoryCode;
      gatewayRef: string;
      amountMinor?: number;
      /** What the answer says about the money; the activity checks it against the order and drops it. */
      claim?: CallbackClaim;
    }
  | { kind: 'failed'; code: HistoryCode; gatewayRef?: string }
  /** The gateway has no payment for this key (4.1.1.00): safe to retry or cascade. */
  | { kind: 'not_found'; code: HistoryCode }
  /** The check itself failed (4.2.2.1x / 4.2.2.2x); the payment's state is unknown, keep polling. */
  | { kind: 'error'; code: HistoryCode }
) & { psp?: PspAnswer };

/** A gateway callback after the connector verified it. */
export type CallbackVerification =
  | {
      valid: true;
      gatewayRef: string;
      status: 'pending' | 'success' | 'failed';
      code: HistoryCode;
      /** Set when the gateway changed the amount (5.1.3.35). */
      amountMinor?: number;
      /**
       * What the callback says about the money, for the HTTP layer to check against the order before anything is
       * signalled (docs/gateway-callbacks.md, "Checked against the order"). Never sent to the workflow.
       */
      claim?: CallbackClaim;
      psp?: PspAnswer;
    }
  /** Invalid signature (5.2.2.16) or payload (5.2.2.17): recorded, then ignored. */
  | { valid: false; code: HistoryCode; gatewayRef?: string };

/** The money a verified callback or a status answer talks about, in the gateway's words. */
export interface CallbackClaim {
  currency: string;
  /** What the gateway charged or paid (or will). */
  amountMinor: number;
  /** What the gateway says it was asked for, when it says. */
  requestedAmountMinor?: number;
}

/**
 * When a callback may change an order's amount (5.1.3.35): only for these methods, never to zero, by at most
 * `tolerancePercent` of the order's amount, and a payout never above the amount held for it. A connector without a
 * policy never changes amounts; a gateway's `amountUpdateTolerancePercent` setting may only narrow its connector's.
 */
export interface AmountUpdatePolicy {
  tolerancePercent: number;
  methods: readonly PaymentMethod[];
}

/** The raw callback as the HTTP layer received it. */
export interface RawGatewayCallback {
  body: string;
  headers: Record<string, string>;
}
