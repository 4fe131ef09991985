/**
 * Workflow inputs, state and messages: a leaf file that api/ and activities/ can import without pulling in
 * workflow code (and that workflows import without pulling in anything with I/O).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CallbackVerification } from '../domain/gateway-contract';
import type { HistoryCode } from '../domain/history-codes';
import type { RouteCandidate } from '../domain/operations-contract';
import type { Direction, KeyMode, OrderStatus } from '../domain/order';
import type { OrderRequisites, PaymentMethod } from '../domain/requisites';

/** What an order workflow starts from. Card numbers never travel here: histories are stored in clear. */
export interface OrderInput {
  orderId: string;
  merchantId: string;
  externalTransactionId: string;
  /**
   * The merchant's name when the order started, for the summaries operators read in the Temporal Web UI
   * (docs/temporal-web-ui.md). Absent in histories recorded before it: the merchant's id stands in.
   */
  merchantName?: string;
  amountMinor: number;
  currency: string;
  /** The merchant's pipeline for this direction: its routes, black list and limits apply. */
  pipelineId: string;
  /** Sandbox orders reach only sandbox gateways. */
  mode: KeyMode;
  method: PaymentMethod;
  requisites: OrderRequisites;
  /** Where the final status is sent, signed; no callback when absent. */
  callbackUrl?: string;
  /** Host-to-client: the payer first enters the card on the hosted payment form. */
  payform?: boolean;
  /**
   * How long the hosted payment form waits for a card (default PAYFORM_TIMEOUT_MS, 30 minutes): the API's
   * `payformLifetimeMs` setting. Only the timer's length depends on it, so histories without it replay unchanged.
   */
  payformLifetimeMs?: number;
  /**
   * How many cards the payer on the hosted form may try when the issuer declines one (default
   * DEFAULT_PAYFORM_CARD_TRIES, 3; 1 = no retry): the API's `PAYFORM_CARD_TRIES` setting (docs/payment-page.md).
   */
  payformCardTries?: number;
  /**
   * How long an order whose gateway payment is still unknown at the deadline keeps checking that gateway on its
   * own (default {@link DEFAULT_RECONCILIATION_PERIOD_MS}); after it, only the gateway or an operator ends it.
   */
  reconciliationPeriodMs?: number;
  /** Set when an operator rebuilds an order whose workflow was terminated: the run resumes from this evidence. */
  resume?: ResumeEvidence;
}

/**
 * What PostgreSQL knows of an order whose workflow was terminated (docs/order-lifecycle.md): the rebuilt run asks
 * the last gateway about its payment, then settles, releases and notifies as the order would have.
 */
export interface ResumeEvidence {
  operator: string;
  reason: string;
  /** Entries already in the order's history: the rebuilt run appends after them. */
  historyLength: number;
  status: OrderStatus;
  /** The gateways the order tried, in order, with the keys and references they were tried under. */
  attempts: Array<{ gatewayId: string; idempotencyKey: string; gatewayRef: string | null }>;
  /** A payout's hold is still held. */
  holdPlaced: boolean;
}

/** Seven days: long enough for any PSP's own settlement and reversal windows to report. */
export const DEFAULT_RECONCILIATION_PERIOD_MS = 7 * 24 * 60 * 60 * 1000;

/** Cards a payer on the hosted form may try per order when the issuer declines them (the first one included). */
export const DEFAULT_PAYFORM_CARD_TRIES = 3;

/** The order as persisted alongside its first history entry. */
export interface OrderSnapshot {
  orderId: string;
  merchantId: string;
  externalTransactionId: string;
  amountMinor: number;
  currency: string;
  pipelineId: string;
  direction: Direction;
  workflowId: string;
}

/** Order fields a history entry also writes to the order row (the workflow is their only writer). */
export interface OrderRowUpdate {
  cardMask?: string;
  cardHolder?: string;
  /** The amount the gateway settled, when it differs from the requested one (5.1.3.35). */
  settledAmountMinor?: number;
}

/** One step of an order's life, with its history code. */
export interface OrderHistoryEntry {
  seq: number;
  code: HistoryCode;
  /** What the code itself says about the payment (its B digit). */
  status: OrderStatus;
  /**
   * What the merchant sees after this step: the order's lifecycle status, monotonic (docs/order-lifecycle.md).
   * Absent in histories of orders started before the truth model, whose status was the code's B digit.
   */
  orderStatus?: OrderStatus;
  /** ISO time on the workflow's clock. */
  at: string;
  gatewayId?: string;
  /** The gateway's reference of the payment, once known: lets an inbound callback find its order. */
  gatewayRef?: string;
  details?: Record<string, string | number | boolean | null>;
}

/** One gateway of the route as the order used it. */
export interface GatewayAttempt {
  gatewayId: string;
  idempotencyKey: string;
  /** The payer's card try on the hosted form this attempt belongs to; absent for the first (and only) one. */
  cardTry?: number;
  gatewayRef: string | null;
  /** Creates sent to this gateway (1 + retries). */
  creates: number;
  /** The last code this gateway produced. */
  lastCode: HistoryCode | null;
  /**
   * Whether the gateway has this payment: `no` before any create reached it (or after it said "no such payment"),
   * `maybe` after a create whose effect is unknown, `yes` once the gateway acknowledged it.
   */
  exists?: 'no' | 'maybe' | 'yes';
  /** How the payment ended at this gateway, once it did. */
  outcome?: 'success' | 'failed';
  /** Status checks that repeated the previous answer, counted instead of appended (in all). */
  repeatedChecks?: number;
  /** ...since the last answer that was appended; the next appended entry carries it as `previousAnswerRepeated`. */
  unchangedChecks?: number;
}

/** Why an order is open for operators: its outcome is unknown past the deadline, or a gateway contradicted it. */
export type ReconciliationState = 'open' | 'review';

/** Everything the state query returns. */
export interface OrderState {
  orderId: string;
  direction: Direction;
  status: OrderStatus;
  /** The amount as the order stands; a gateway callback may update it (5.1.3.35). */
  amountMinor: number;
  requestedAmountMinor: number;
  currency: string;
  /** Gateways chosen by routing when the order started: later configuration changes do not affect it. */
  route: RouteCandidate[];
  attempts: GatewayAttempt[];
  statusChecks: number;
  /** Gateway callbacks refused for a bad signature or payload. */
  invalidCallbacks: number;
  /** Why the order failed at pre-checks or routing, when it did. */
  failure: Record<string, string | number | boolean | null> | null;
  merchantCallback: { eventId: string; attempts: number; delivered: boolean } | null;
  history: OrderHistoryEntry[];
  /** Set while the order is in reconciliation, or once a gateway answer contradicted its final status. */
  reconciliation?: ReconciliationState | null;
  /** The workflow was asked to cancel: no new gateway payment is started. */
  cancelRequested?: boolean;
  /** The card's verification challenge (3-D Secure) on the payment page, when the card asked for one. */
  challenge?: 'pending' | 'passed' | 'failed';
  /**
   * Set once an issuer declined a card of the hosted form and the order took another try: which try (2, 3…) of how
   * many, whether the form waits for its card now, and the decline that opened it.
   */
  cardTry?: { number: number; of: number; awaitingCard: boolean; declined: HistoryCode };
}

/** A gateway callback, already verified by the HTTP layer's connector; invalid ones are recorded, then ignored. */
export interface GatewayCallbackSignal {
  gatewayId: string;
  verification: CallbackVerification;
}

/**
 * What the hosted payment form tells the order: the payer opened it, paid (card fingerprint and mask), cancelled,
 * typed card details the form refused (which field only: nothing of the card itself), or ended the card's
 * verification challenge.
 */
export type PayformEvent =
  | { type: 'visited' }
  | ({ type: 'submitted' } & PayformSubmission)
  | { type: 'cancelled' }
  | { type: 'refused'; fields: PayformRefusedField[] }
  | { type: 'challenge'; outcome: PayformChallengeOutcome }
  /** The payer started typing card details (3.0.1.53), or left the form without paying (3.0.1.52). */
  | { type: 'entered' }
  | { type: 'left' };

/** How the payer's verification challenge ended: passed, failed (a wrong code), or left (cancelled on it). */
export type PayformChallengeOutcome = 'passed' | 'failed' | 'left';

/** The field of the payment form whose value the form refused. */
export type PayformRefusedField = 'cardNumber' | 'cardExpiry' | 'cardCvc';

/** The card the payer entered on the hosted form: only its fingerprint and mask, and the holder's name. */
export interface PayformSubmission {
  cardFingerprint: string;
  cardMask: string;
  cardHolder?: string;
  /** The card asks for a verification challenge (3-D Secure) before it is charged. */
  challenge?: boolean;
  /** The challenge is a one-time code sent to the payer (OTP) rather than 3-D Secure: a failure is 3.2.4.57. */
  challengeKind?: 'otp';
}

/** An operator's action on a running order, named in the audit log and the order's history. */
export interface OperatorRequest {
  operator: string;
  reason: string;
}

/** An operator settles an order whose gateway payment is unknown, on the gateway's evidence. */
export interface OperatorResolution extends OperatorRequest {
  outcome: 'success' | 'failed';
  /** What the gateway showed (a reference, a report line); kept in the history's details. */
  evidence: string;
}

/** The full state of an order, while it runs and after it closed (until retention). */
export const getOrderStateQuery = defineQuery<OrderState>('getOrderState');
/** A gateway's callback for this order. */
export const gatewayCallbackSignal = defineSignal<[GatewayCallbackSignal]>('gatewayCallback');
/** The hosted payment form's events for a host-to-client order. */
export const payformSignal = defineSignal<[PayformEvent]>('payform');
/**
 * The payer pressed Pay: accepted only while the order waits for the form and only once, so the first card is the
 * one charged and the one on record (the workflow writes it; nobody else does).
 */
export const payformSubmitUpdate = defineUpdate<{ accepted: true }, [PayformSubmission]>('payformSubmit');
/** Check the gateway now (an order waiting on timers or in reconciliation). */
export const operatorRecheckUpdate = defineUpdate<OrderState, [OperatorRequest]>('operatorRecheck');
/** Settle an order in reconciliation on the gateway's evidence; refused while no payment is unknown. */
export const operatorResolveUpdate = defineUpdate<OrderState, [OperatorResolution]>('operatorResolve');
