import type { SearchAttributeUpdatePair } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { PspAnswer } from '../../domain/gateway-contract';
import { getHistoryCode, type HistoryCode } from '../../domain/history-codes';
import { orderStatusOf } from '../../domain/history-status';
import type { Direction, OrderStatus } from '../../domain/order';
import { advanceStatus } from '../../domain/order-lifecycle';
import { orderSummaryAttribute, type OrderOutcome } from '../../domain/order-summary';
import type { OrderRequisites } from '../../domain/requisites';
import type { MoneyMovement } from '../../activities/combined-steps';
import { persistence } from '../activity-profiles';
import {
  gatewayCallbackSignal,
  getOrderStateQuery,
  operatorRecheckUpdate,
  operatorResolveUpdate,
  payformSignal,
  payformSubmitUpdate,
  type GatewayCallbackSignal,
  type OperatorRequest,
  type OperatorResolution,
  type OrderHistoryEntry,
  type OrderInput,
  type OrderRowUpdate,
  type OrderSnapshot,
  type OrderState,
  type PayformEvent,
  type PayformSubmission,
  type ReconciliationState,
} from '../definitions';
import {
  DirectionKey,
  ExternalTransactionIdKey,
  GatewayIdKey,
  MerchantIdKey,
  OrderStatusKey,
  OrderSummaryKey,
  ReconciliationKey,
} from '../search-attributes';
import { entryInWords, gatewayName, ORDER_SUMMARY_PATCH, showCurrentDetails, summaryFacts } from './ui-metadata';

/** What a step may add to a history entry; `orderStatus` proposes the merchant-visible status after it. */
export interface MarkOptions extends Pick<OrderHistoryEntry, 'gatewayId' | 'gatewayRef' | 'details'> {
  orderStatus?: OrderStatus;
  /** Order fields written to the order row with this entry: the workflow is their only writer. */
  row?: OrderRowUpdate;
}

/** Operator commands waiting for the step that can act on them. */
export type OperatorCommand = (
  { kind: 'recheck'; request: OperatorRequest } | { kind: 'resolve'; resolution: OperatorResolution }
) & { done(): void };

/** What every step of an order works with: its input, its state, its inboxes, and `mark`. */
export interface OrderContext {
  direction: Direction;
  /** The order runs the lean shape ({@link LEAN_SHAPE_PATCH}): fewer activities, entries written along with them. */
  lean: boolean;
  input: OrderInput;
  /** The order as its history entries are written with. */
  snapshot: OrderSnapshot;
  state: OrderState;
  workflowId: string;
  /** Gateway callbacks received and not yet handled, oldest first. */
  callbacks: GatewayCallbackSignal[];
  /** Payment form events received and not yet handled, oldest first. */
  payformEvents: PayformEvent[];
  /** Operator commands accepted and not yet carried out. */
  operatorCommands: OperatorCommand[];
  /** The payer's requisites: the input's, plus the card the payment form collected. */
  requisites: OrderRequisites;
  /** True while the order waits for the payer on the hosted form (the submit Update is accepted only then). */
  awaitingPayform: boolean;
  /** When the hosted form's lifetime ends (workflow clock, ms): no card is taken after it, first or another. */
  payformDeadline: number;
  /** True while a gateway payment is being waited on (an operator may ask for a check then). */
  resolving: boolean;
  /** True once the order's money moved (or it was counted with none): later entries count it into the reports. */
  settled: boolean;
  /**
   * Appends a history code (state, PostgreSQL, search attributes). The entry keeps the code's own status; the
   * order's status moves only forward, to `orderStatus` when given.
   */
  mark(code: HistoryCode, options?: MarkOptions): Promise<void>;
  /**
   * Like `mark`, but writes nothing: the caller hands the entry to the activity whose step it reports, which
   * writes it (lean shape only).
   */
  entry(code: HistoryCode, options?: Omit<MarkOptions, 'row'>): OrderHistoryEntry;
  /**
   * Like `mark`, for the entry that reports a final order's ledger movement: one local activity moves the money and
   * writes the entry with the amounts moved (lean shape only).
   */
  markMoneyMoved(code: HistoryCode, movement: MoneyMovement, doing: string): Promise<void>;
  /**
   * `wf.patched(id)` for orders of older shapes; true without a marker for orders of the lean shape, which came
   * after every such patch.
   */
  hasPatch(patchId: string): boolean;
  /** Makes the gateway searchable; sent with the next history entry's search attribute update (one event, not two). */
  setSearchableGateway(gatewayId: string): void;
  /**
   * Remembers the PSP's own code and message of a gateway answer, so that the history entry this answer becomes
   * (same gateway, same code) keeps them in its details: see {@link PSP_DETAILS_PATCH}.
   */
  notePsp(gatewayId: string, code: HistoryCode, psp: PspAnswer | undefined): void;
  setReconciliation(state: ReconciliationState | null): void;
  /** Names the step the order is at, for the workflow's current details in the Temporal Web UI. */
  step(text: string): void;
}

/**
 * Orders that record the PSP's raw code and message (`pspCode`, `pspMessage`) in the details of every history entry
 * of a gateway step. Checked only when an answer carries them, so histories recorded before never meet it.
 */
export const PSP_DETAILS_PATCH = 'psp-answer-in-history-details';

/** The actors whose entries are a gateway's answers. */
const GATEWAY_ACTORS: ReadonlySet<string> = new Set(['GATEWAY_CREATE', 'PAYFORM', 'STATUS_CHECK', 'GATEWAY_CALLBACK']);

/**
 * Orders of the lean shape (issue 19, docs/order-lifecycle.md "What is written where"): pre-checks and routing in one
 * local activity that also writes the created entry, status checks as local activities, the ledger and its entry in
 * one local activity, and no marker for any earlier patch (they all apply). About half the history events of a
 * happy order.
 */
export const LEAN_SHAPE_PATCH = 'order-lean-shape';

/** Creates the context and registers the query, the signals and the payform Update. */
export function createOrderContext(direction: Direction, input: OrderInput, lean = false): OrderContext {
  const hasPatch = (patchId: string) => lean || wf.patched(patchId);
  const { workflowId, typedSearchAttributes } = wf.workflowInfo();
  const order: OrderSnapshot = {
    orderId: input.orderId,
    merchantId: input.merchantId,
    externalTransactionId: input.externalTransactionId,
    amountMinor: input.amountMinor,
    currency: input.currency,
    pipelineId: input.pipelineId,
    direction,
    workflowId,
  };
  const state: OrderState = {
    orderId: input.orderId,
    direction,
    status: input.resume?.status ?? 'Created',
    amountMinor: input.amountMinor,
    requestedAmountMinor: input.amountMinor,
    currency: input.currency,
    route: [],
    attempts: [],
    statusChecks: 0,
    invalidCallbacks: 0,
    failure: null,
    merchantCallback: null,
    history: [],
    reconciliation: null,
    cancelRequested: false,
  };
  const pendingUpdates: SearchAttributeUpdatePair[] = [];
  // What the Temporal Web UI shows (workflows/steps/ui-metadata.ts): the status as it last changed, and the step.
  const keepsSummary = hasPatch(ORDER_SUMMARY_PATCH);
  let outcome: OrderOutcome = { status: state.status };
  let currentStep = input.resume ? 'rebuilt by an operator' : 'created';
  /** The PSP's words of the latest answer per gateway and history code; workflow memory only, rebuilt on replay. */
  const pspAnswers = new Map<string, PspAnswer>();
  const pspKey = (gatewayId: string, code: HistoryCode) => `${gatewayId}|${code}`;
  const pspDetailsOf = (code: HistoryCode, gatewayId: string | undefined) => {
    if (gatewayId === undefined || !GATEWAY_ACTORS.has(getHistoryCode(code).actor)) return undefined;
    const psp = pspAnswers.get(pspKey(gatewayId, code));
    if (!psp || !hasPatch(PSP_DETAILS_PATCH)) return undefined;
    return { pspCode: psp.code, ...(psp.message !== undefined ? { pspMessage: psp.message } : {}) };
  };

  const ctx: OrderContext = {
    direction,
    lean,
    input,
    snapshot: order,
    state,
    workflowId,
    callbacks: [],
    payformEvents: [],
    operatorCommands: [],
    requisites: { ...input.requisites },
    // The form exists from the moment the order does: a payer may submit before the workflow's first step ran.
    awaitingPayform: input.payform === true,
    payformDeadline: 0,
    resolving: false,
    settled: false,
    entry(code, { orderStatus, ...extra } = {}) {
      const before = state.status;
      state.status = orderStatus ? advanceStatus(before, orderStatus) : before;
      const psp = pspDetailsOf(code, extra.gatewayId);
      if (psp) extra.details = { ...extra.details, ...psp };
      const entry: OrderHistoryEntry = {
        // A rebuilt order appends after the history its terminated run left in PostgreSQL.
        seq: (input.resume?.historyLength ?? 0) + state.history.length + 1,
        code,
        status: orderStatusOf(code),
        orderStatus: state.status,
        at: new Date().toISOString(),
        ...extra,
      };
      state.history.push(entry);
      if (state.status !== before) {
        pendingUpdates.push({ key: OrderStatusKey, value: state.status });
        const gatewayId = extra.gatewayId ?? state.attempts.at(-1)?.gatewayId;
        outcome = { status: state.status, code, gateway: gatewayName(ctx, gatewayId) };
        if (keepsSummary) pendingUpdates.push({ key: OrderSummaryKey, value: summaryAttribute() });
      }
      if (pendingUpdates.length > 0) wf.upsertSearchAttributes(pendingUpdates.splice(0));
      showCurrentDetails(ctx, outcome, currentStep);
      return entry;
    },
    async mark(code, { row, ...options } = {}) {
      const entry = ctx.entry(code, options);
      // A lean order is counted into the reports once, when it settles (workflows/steps/settlement.ts); entries
      // after that (a stray callback, a review flag) count again, so that a changed contribution is corrected.
      const summary = `history ${entryInWords(ctx, entry)}`;
      await persistence.recordOrderEvent.executeWithOptions(
        { summary },
        lean && !ctx.settled ? [order, entry, row, { count: false }] : [order, entry, row],
      );
    },
    async markMoneyMoved(code, movement, doing) {
      const entry = ctx.entry(code);
      const summary = `${doing}; history ${entryInWords(ctx, entry)}`;
      const moved = await persistence.recordMoneyMovement.executeWithOptions({ summary }, [order, entry, movement]);
      entry.details = { ...entry.details, ...moved };
      ctx.settled = true;
    },
    hasPatch,
    setSearchableGateway(gatewayId) {
      pendingUpdates.push({ key: GatewayIdKey, value: gatewayId });
    },
    notePsp(gatewayId, code, psp) {
      if (psp) pspAnswers.set(pspKey(gatewayId, code), psp);
      else pspAnswers.delete(pspKey(gatewayId, code));
    },
    setReconciliation(value) {
      state.reconciliation = value;
      pendingUpdates.push({ key: ReconciliationKey, value: value ?? '' });
    },
    step(text) {
      currentStep = text;
      showCurrentDetails(ctx, outcome, currentStep);
    },
  };
  const summaryAttribute = () => orderSummaryAttribute(summaryFacts(ctx), outcome);
  showCurrentDetails(ctx, outcome, currentStep);

  wf.setHandler(getOrderStateQuery, () => state);
  wf.setHandler(gatewayCallbackSignal, (callback) => {
    if (callback.verification.valid)
      ctx.notePsp(callback.gatewayId, callback.verification.code, callback.verification.psp);
    ctx.callbacks.push(callback);
  });
  // The Update is how the API submits a card now; a signal from an API of the previous release is held to the
  // same rule (first card while the form waits, later ones ignored), so both paths charge and record one card.
  wf.setHandler(payformSignal, (event) => {
    if (event.type !== 'submitted') ctx.payformEvents.push(event);
    else if (ctx.awaitingPayform) {
      ctx.awaitingPayform = false;
      ctx.payformEvents.push(event);
    }
  });
  wf.setHandler(
    payformSubmitUpdate,
    (submission: PayformSubmission) => {
      ctx.payformEvents.push({ type: 'submitted', ...submission });
      ctx.awaitingPayform = false;
      // The state query says at once that this try has its card (the API checks it before replacing a vaulted card).
      if (state.cardTry) state.cardTry.awaitingCard = false;
      return { accepted: true as const };
    },
    {
      validator: (_submission: PayformSubmission) => {
        if (!ctx.awaitingPayform) throw new Error('this payment no longer takes a card');
      },
    },
  );

  // Operator actions wait until the step waiting on the gateway has carried them out, then answer the state.
  const carryOut = async (command: OperatorCommand) => {
    let done = false;
    ctx.operatorCommands.push({ ...command, done: () => (done = true) });
    await wf.condition(() => done);
    return state;
  };
  wf.setHandler(operatorRecheckUpdate, (request) => carryOut({ kind: 'recheck', request, done: () => undefined }), {
    validator: (request: OperatorRequest) => {
      assertOperatorRequest(request);
      if (!ctx.resolving) throw new Error('no gateway payment of this order is waiting for an answer');
    },
  });
  wf.setHandler(
    operatorResolveUpdate,
    (resolution) => carryOut({ kind: 'resolve', resolution, done: () => undefined }),
    {
      validator: (resolution: OperatorResolution) => {
        assertOperatorRequest(resolution);
        if (resolution.outcome !== 'success' && resolution.outcome !== 'failed')
          throw new Error('outcome must be success or failed');
        if (!resolution.evidence?.trim()) throw new Error("the gateway's evidence is required");
        if (state.reconciliation !== 'open' || !ctx.resolving) {
          throw new Error('only an order in reconciliation is settled by an operator; ask for a recheck instead');
        }
      },
    },
  );

  // The API sets these when it starts the order; a workflow started some other way sets them itself.
  if (typedSearchAttributes.get(MerchantIdKey) === undefined) {
    wf.upsertSearchAttributes([
      { key: MerchantIdKey, value: input.merchantId },
      { key: DirectionKey, value: direction },
      { key: ExternalTransactionIdKey, value: input.externalTransactionId },
      { key: OrderStatusKey, value: 'Created' },
      ...(keepsSummary ? [{ key: OrderSummaryKey, value: summaryAttribute() }] : []),
    ]);
  }
  return ctx;
}

function assertOperatorRequest(request: OperatorRequest): void {
  if (!request?.operator?.trim() || !request.reason?.trim()) throw new Error('operator and reason are required');
}
