import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Direction, OrderStatus } from '../../domain/order';
import { orderWorkflowId } from '../../domain/order';
import {
  normalizeCardNumber,
  normalizeEmail,
  normalizeIp,
  normalizePayeerIdentifier,
  normalizePhone,
} from '../../domain/requisite-normalization';
import type { OrderRequisites, PaymentMethod } from '../../domain/requisites';
import { toMinorUnits } from '../../domain/money';
import { cardFingerprint, maskCard } from '../../infra/security/card-fingerprint';
import { findOrder, insertOrder, keepCardStorageToken, type StoredOrder } from '../../data/order-store';
import { CardVault, type VaultedData } from '../../vault/card-vault';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { createOrderSchema, type CreateOrderBody } from './schemas';
import { sealRequisites, startOrderWorkflow } from './workflow-start';

/** Host-to-host (the merchant collected the payer's data) or host-to-client (the payer is sent to a payment form). */
export type OrderFlow = 'h2h' | 'h2c';

/** A create request reduced to what the engine keeps: no card number, only its fingerprint and mask. */
export interface NormalizedOrder {
  direction: Direction;
  amountMinor: number;
  currency: string;
  externalTransactionId: string;
  method: PaymentMethod;
  flow: OrderFlow;
  requisites: OrderRequisites;
  cardHolder: string | null;
  bankName: string | null;
  cardToken: string | null;
  cardStorageToken: string | null;
  /** Save the card for later deposits of the merchant (`saveCard: "true"`, a deposit with a card number). */
  saveCard: boolean;
  callbackUrl: string | null;
  processingRedirectUrl: string | null;
  failedRedirectUrl: string | null;
  successRedirectUrl: string | null;
  /**
   * What goes to the card vault, not into the order row or the workflow: the card (number, expiry, holder), its
   * CVC, and the requisites the gateway needs. Left out of the request hash (a CVC is too short to hash safely).
   */
  vault: { data: VaultedData; cvc?: string } | null;
}

/** The answer to a create, and whether the order was created by this request. */
export interface CreatedOrder {
  externalId: string;
  orderStatus: OrderStatus;
  flow: OrderFlow;
  created: boolean;
  /** The saved card's token, when the request asked to save the card. */
  cardStorageToken?: string;
}

/** Validates and normalises a create body; the card number is consumed here and never leaves this function. */
export function normalizeOrderRequest(
  direction: Direction,
  mode: 'sandbox' | 'live',
  body: unknown,
  secretsKey: string,
): NormalizedOrder {
  const parsed: CreateOrderBody = createOrderSchema(mode).parse(body);
  const fields = new Map(parsed.additionalFields.map((f) => [f.key, f.value.trim()]));
  const get = (key: string) => fields.get(key) ?? null;
  const requisites: OrderRequisites = {};
  const cardNumber = get('cardNumber');
  if (cardNumber) {
    requisites.cardFingerprint = cardFingerprint(cardNumber, secretsKey);
    requisites.cardMask = maskCard(cardNumber);
  }
  if (get('email')) requisites.email = normalizeEmail(get('email')!);
  if (get('ip')) requisites.ip = normalizeIp(get('ip')!);
  if (get('phone')) requisites.phone = normalizePhone(get('phone')!);
  if (get('payeerIdentifier')) requisites.payeerIdentifier = normalizePayeerIdentifier(get('payeerIdentifier')!);
  const cardToken = get('cardToken');
  const cardStorageToken = get('cardStorageToken');
  const bankName = get('bankName');
  const vault = vaultedDataOf(requisites, {
    cardNumber,
    bankName,
    cardHolder: get('cardHolder'),
    cardExpiry: get('cardExpiry'),
  });
  const cvc = get('cardCvc');
  const saveCard = get('saveCard') === 'true';
  if (saveCard && !(cardNumber && direction === 'deposit')) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'saveCard needs a card number on a deposit', [
      { field: 'additionalFields.saveCard', message: 'saveCard "true" needs cardNumber, on a deposit' },
    ]);
  }

  let method: PaymentMethod;
  let flow: OrderFlow = 'h2h';
  if (cardToken || cardStorageToken) method = 'token';
  else if (cardNumber) method = 'card';
  else if (requisites.payeerIdentifier || bankName) method = 'p2p';
  else if (direction === 'deposit') {
    // Nothing to charge yet: the payer enters the card on the payment form.
    method = 'card';
    flow = 'h2c';
  } else {
    throw new HttpError(400, 'VALIDATION_FAILED', 'a payout needs a destination', [
      {
        field: 'additionalFields',
        message: 'a payout needs cardNumber, cardToken, cardStorageToken, payeerIdentifier or bankName',
      },
    ]);
  }

  return {
    direction,
    amountMinor: toMinorUnits(parsed.amount, parsed.currency as never),
    currency: parsed.currency,
    externalTransactionId: parsed.externalTransactionId,
    method,
    flow,
    requisites,
    cardHolder: get('cardHolder'),
    bankName,
    cardToken,
    cardStorageToken,
    saveCard,
    callbackUrl: parsed.callbackUrl ?? null,
    processingRedirectUrl: parsed.processingRedirectUrl ?? null,
    failedRedirectUrl: parsed.failedRedirectUrl ?? null,
    successRedirectUrl: parsed.successRedirectUrl ?? null,
    vault: vault ? { data: vault, ...(cvc && (cardNumber || cardStorageToken) ? { cvc } : {}) } : null,
  };
}

/** The order's data for its gateway, as the card vault keeps it; null when there is none. */
function vaultedDataOf(
  requisites: OrderRequisites,
  fields: { cardNumber: string | null; bankName: string | null; cardHolder: string | null; cardExpiry: string | null },
): VaultedData | null {
  const { cardFingerprint: _fingerprint, cardMask: _mask, ...payer } = requisites;
  const data: VaultedData = { ...payer };
  if (fields.cardNumber) {
    data.card = {
      number: normalizeCardNumber(fields.cardNumber),
      ...(fields.cardExpiry ? { expiry: fields.cardExpiry } : {}),
      ...(fields.cardHolder ? { holder: fields.cardHolder } : {}),
    };
  }
  if (fields.bankName) data.bankName = fields.bankName;
  return Object.keys(data).length > 0 ? data : null;
}

/** SHA-256 over the normalised request and key mode, keys sorted: equal for a retry, different for another request. */
export function requestHash({ vault: _vault, ...order }: NormalizedOrder, mode: 'sandbox' | 'live'): string {
  const canonical = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
        )
      : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical({ ...order, mode })))
    .digest('hex');
}

/**
 * Creates the order (or finds the one a previous request with the same externalTransactionId created) and makes
 * sure its workflow runs. The row comes first, so the unique key decides races; the workflow start is repeated on
 * every retry, so an order whose first start failed is started by the retry, and, if no retry comes, by the
 * reconciler (api/orders/reconciler.ts), from the same row.
 *
 * A new order costs one statement: the insert picks the merchant's pipeline itself and does nothing on a retry's
 * externalTransactionId. Only when it inserted nothing is the existing order read (a retry, or a race lost), or,
 * when there is none, the missing pipeline reported.
 */
export async function createOrder(deps: ApiDependencies, req: Request, direction: Direction): Promise<CreatedOrder> {
  const { merchantId, mode } = req.merchant!;
  const order = normalizeOrderRequest(direction, mode, req.body, deps.secretsKey);
  const vault = new CardVault(deps.dataSource, deps.keyring);
  if (order.cardStorageToken && direction === 'deposit') await useSavedCard(deps, vault, merchantId, order);
  const hash = requestHash(order, mode);
  const id = randomUUID();
  const inserted = await insertOrder(deps.dataSource, {
    id,
    merchantId,
    direction,
    externalTransactionId: order.externalTransactionId,
    amountMinor: order.amountMinor,
    currency: order.currency,
    workflowId: orderWorkflowId(direction, id),
    requestHash: hash,
    method: order.method,
    flow: order.flow,
    cardMask: order.requisites.cardMask ?? null,
    cardHolder: order.cardHolder,
    cardToken: order.cardToken,
    cardStorageToken: order.cardStorageToken,
    callbackUrl: order.callbackUrl,
    processingRedirectUrl: order.processingRedirectUrl,
    failedRedirectUrl: order.failedRedirectUrl,
    successRedirectUrl: order.successRedirectUrl,
    mode,
    keyPipelineId: req.merchant!.pipelineId,
    // The payer's email, phone and IP are personal data: the row keeps them sealed, only the workflow sees them.
    sealedRequisites: sealRequisites(deps.keyring, order.requisites),
  });
  const created = inserted !== undefined;
  // Nothing inserted: the externalTransactionId was used before (a retry, or a concurrent request that won the
  // insert: answer as a retry of it), or the merchant has no pipeline for the direction.
  const row = inserted ?? (await findOrder(deps.dataSource, merchantId, direction, order.externalTransactionId));
  if (!row) throw noPipeline(direction);
  if (row.request_hash !== hash) {
    throw new HttpError(
      409,
      'CONFLICT',
      `externalTransactionId ${order.externalTransactionId} was already used for a different ${direction} order ` +
        `(${row.id}); a retry must repeat the first request exactly`,
      [{ field: 'externalTransactionId', message: 'already used with a different request body' }],
    );
  }

  // The vault before the workflow: the gateway activity finds the card there by order id. The workflow's input
  // comes from the row, as the reconciler builds it for an order whose start never happened.
  if (order.vault) await vault.storeForOrder(row.id, merchantId, order.vault.data, order.vault.cvc);
  const savedToken = order.saveCard ? await saveOrdersCard(deps, vault, merchantId, row, order) : undefined;
  await startOrderWorkflow(deps, row);

  // Re-read: a sandbox payment paid in the create answer may already have moved the order on.
  const status = created
    ? row.status
    : ((await findOrder(deps.dataSource, merchantId, direction, order.externalTransactionId))?.status ?? row.status);
  return {
    externalId: row.id,
    orderStatus: status,
    flow: row.flow ?? order.flow,
    created,
    ...(savedToken ? { cardStorageToken: savedToken } : {}),
  };
}

/**
 * Deposit H2H Token: the merchant's saved card behind `cardStorageToken` becomes the order's card (in the vault,
 * for the gateway) and its fingerprint and mask (for the black list and the status). Another merchant's token, or a
 * deleted one, is a 400 that names the field.
 */
async function useSavedCard(deps: ApiDependencies, vault: CardVault, merchantId: string, order: NormalizedOrder) {
  const card = await vault.savedCard(merchantId, order.cardStorageToken!);
  if (!card) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'unknown cardStorageToken', [
      { field: 'additionalFields.cardStorageToken', message: 'no saved card of this merchant has this token' },
    ]);
  }
  order.requisites.cardFingerprint = cardFingerprint(card.number, deps.secretsKey);
  order.requisites.cardMask = maskCard(card.number);
  order.vault = { data: { ...order.vault?.data, card }, ...(order.vault?.cvc ? { cvc: order.vault.cvc } : {}) };
}

/**
 * Saves the order's card once: a retry of the create answers the token the first request got. Concurrent retries
 * agree on one token (the loser's saved card is deleted again).
 */
async function saveOrdersCard(
  deps: ApiDependencies,
  vault: CardVault,
  merchantId: string,
  row: StoredOrder,
  order: NormalizedOrder,
): Promise<string> {
  if (row.card_storage_token) return row.card_storage_token;
  const token = await vault.saveCard(merchantId, order.vault!.data.card!);
  const winner = await keepCardStorageToken(deps.dataSource, row.id, token);
  if (winner !== token) await vault.deleteSavedCard(merchantId, token);
  return winner;
}

/** The merchant has no pipeline of the direction (the insert picks the oldest one when there are several). */
function noPipeline(direction: Direction): HttpError {
  return new HttpError(
    400,
    'NO_PIPELINE',
    `the merchant has no ${direction} pipeline configured; ask the operator to set one up`,
  );
}
