import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import express, { Router, type Request, type Response } from 'express';
import { isUuid } from '../../domain/ids';
import { normalizeCardNumber } from '../../domain/requisite-normalization';
import { cardFingerprint, maskCard } from '../../infra/security/card-fingerprint';
import { recordFirstCard } from '../../data/order-store';
import { CardVault } from '../../vault/card-vault';
import {
  payformSignal,
  payformSubmitUpdate,
  type PayformEvent,
  type PayformSubmission,
} from '../../workflows/definitions';
import type { ApiDependencies } from '../app';
import { escapeHtml } from '../docs-page';
import { CARD_CVC, CARD_EXPIRY, passesLuhn } from '../orders/schemas';
import { refuseControlCharacters } from '../http-hygiene';
import { unauthenticatedTraffic } from '../unauthenticated-traffic';

interface FormOrder {
  id: string;
  merchant_id: string;
  status: string;
  amount: string;
  currency: string;
  mode: string | null;
  workflow_id: string;
  card_mask: string | null;
  processing_redirect_url: string | null;
}

/** How long a submit may wait for the workflow's answer before the payer is asked to try again. */
const SUBMIT_DEADLINE_MS = 10_000;

/**
 * How the workflow of an order started before the submit Update existed (workflows/v1, or a worker of the previous
 * release) rejects it: the SDK finds no handler and fails the Update with this message.
 */
const NO_UPDATE_HANDLER = 'No registered handler for update';

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
        '<style>body{font-family:sans-serif;max-width:26rem;margin:3rem auto}label,input,button{display:block;' +
        'margin:.4rem 0;font-size:1rem}input{width:100%}</style></head>' +
        `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}

/** The one answer to a card the order does not take (any more), whether the route or the workflow knew it first. */
function alreadySubmitted(res: Response, status?: string): void {
  const now = status ? ` It is ${escapeHtml(status.toLowerCase())}.` : '';
  page(
    res,
    409,
    'Payment already submitted',
    `<p>This payment no longer takes a card: a card was already submitted, or the payment has ended.${now} ` +
      'No other card will be charged.</p>',
  );
}

/**
 * The hosted payment form of host-to-client deposits, at the `paymentFormUrl` the create answer gives: the payer
 * opens it, enters the card and pays or cancels. The order's UUID is the capability, as in PSPs' hosted pages. The
 * card number is turned into its fingerprint and mask here and goes nowhere else.
 */
export function paymentFormRouter(deps: ApiDependencies): Router {
  const router = Router();
  const traffic = unauthenticatedTraffic(deps.dataSource, deps.logger);

  async function loadOrder(req: Request, res: Response): Promise<FormOrder | undefined> {
    const id = String(req.params.externalId);
    const rows: FormOrder[] = isUuid(id)
      ? await deps.dataSource.query(
          `SELECT id, merchant_id, status, amount_minor::text AS amount, currency, mode, workflow_id, card_mask, processing_redirect_url
           FROM orders WHERE id = $1 AND flow = 'h2c'`,
          [id],
        )
      : [];
    const order = rows[0];
    if (!order) page(res, 404, 'Payment not found', '<p>There is no payment form at this address.</p>');
    else if (order.status !== 'Created' || order.card_mask) {
      alreadySubmitted(res, order.status);
      return undefined;
    }
    return order;
  }

  const tell = (order: FormOrder, event: PayformEvent) =>
    deps.temporal.client.workflow.getHandle(order.workflow_id).signal(payformSignal, event);

  /**
   * The workflow decides: it accepts the first card while the form waits and refuses any other (the validator), and
   * it is the only writer of the card on the order row. The Update id is the card's fingerprint, so a double click
   * with the same card gets the first answer again instead of a refusal.
   */
  async function submitCard(
    order: FormOrder,
    submission: PayformSubmission,
  ): Promise<'accepted' | 'refused' | 'unavailable'> {
    const handle = deps.temporal.client.workflow.getHandle(order.workflow_id);
    try {
      await deps.temporal.client.withDeadline(Date.now() + SUBMIT_DEADLINE_MS, () =>
        handle.executeUpdate(payformSubmitUpdate, {
          args: [submission],
          updateId: `payform-submit-${submission.cardFingerprint}`,
        }),
      );
      return 'accepted';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'refused'; // the workflow has closed
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return 'unavailable';
      if (!(err instanceof WorkflowUpdateFailedError)) throw err;
      if (!(err.cause instanceof Error && err.cause.message.startsWith(NO_UPDATE_HANDLER))) return 'refused';
    }
    return submitToPreviousRelease(order, submission);
  }

  /**
   * An order started before the submit Update: its workflow takes the first `submitted` signal and never writes the
   * card, so the route still records it, as the previous release did, but only the first one. The order row is
   * locked while the signal is sent, so two concurrent submits are serialised: the first signals and records its
   * card, the second finds a card on record and is refused. The holder's name stays out of the signal (histories).
   */
  async function submitToPreviousRelease(
    order: FormOrder,
    submission: PayformSubmission,
  ): Promise<'accepted' | 'refused'> {
    const { cardFingerprint: fingerprint, cardMask } = submission;
    const recorded = await recordFirstCard(
      deps.dataSource,
      order.id,
      { cardMask, cardHolder: submission.cardHolder ?? null },
      () => tell(order, { type: 'submitted', cardFingerprint: fingerprint, cardMask }),
    );
    return recorded ? 'accepted' : 'refused';
  }

  router.get('/pay/:externalId', async (req, res) => {
    const order = await loadOrder(req, res);
    if (!order) return;
    // A visit is informative only, and anyone with the link can make one: only a few reach the workflow.
    if (await traffic.allow(order.id, 'payform-visit')) await tell(order, { type: 'visited' }).catch(() => undefined);
    const amount = (Number(order.amount) / 100).toFixed(2);
    page(
      res,
      200,
      `Pay ${amount} ${order.currency}`,
      `<form method="post" autocomplete="off">` +
        '<label for="cardNumber">Card number</label><input id="cardNumber" name="cardNumber" inputmode="numeric" required>' +
        '<label for="cardHolder">Card holder</label><input id="cardHolder" name="cardHolder">' +
        '<label for="cardExpiry">Expiry (MM/YY)</label><input id="cardExpiry" name="cardExpiry" placeholder="MM/YY">' +
        '<label for="cardCvc">CVC</label><input id="cardCvc" name="cardCvc" inputmode="numeric" maxlength="4">' +
        '<button name="action" value="pay">Pay</button><button name="action" value="cancel" formnovalidate>Cancel</button>' +
        '</form>',
    );
  });

  // Form fields get the same control-character rule as JSON ones (a NUL cannot be stored).
  const formBody = [express.urlencoded({ extended: false, limit: '4kb' }), refuseControlCharacters];
  router.post('/pay/:externalId', ...formBody, async (req, res) => {
    const order = await loadOrder(req, res);
    if (!order) return;
    // Anyone with the link can submit: past a few submissions the workflow hears no more of them.
    const tooMany = async () => {
      if (await traffic.allow(order.id, 'payform-submit')) return false;
      page(res, 429, 'Too many attempts', '<p>This payment has had too many attempts. Please contact the shop.</p>');
      return true;
    };
    // No body, or not a form: nothing was submitted (req.body is undefined then).
    const form = (req.body ?? {}) as {
      action?: string;
      cardNumber?: string;
      cardHolder?: string;
      cardExpiry?: string;
      cardCvc?: string;
    };
    if (form.action === 'cancel') {
      if (await tooMany()) return;
      await tell(order, { type: 'cancelled' });
      page(res, 200, 'Payment cancelled', '<p>You can close this page.</p>');
      return;
    }
    let digits: string;
    try {
      digits = normalizeCardNumber(form.cardNumber ?? '');
      if (order.mode === 'live' && !passesLuhn(digits)) throw new RangeError('Luhn');
      if (form.cardExpiry?.trim() && !CARD_EXPIRY.test(form.cardExpiry.trim())) throw new RangeError('expiry');
      if (form.cardCvc?.trim() && !CARD_CVC.test(form.cardCvc.trim())) throw new RangeError('cvc');
    } catch {
      page(res, 400, 'Check the card details', '<p>Those card details are not valid. Go back and try again.</p>');
      return;
    }
    if (await tooMany()) return;
    // The card goes to the vault (the gateway activity reads it there), then the workflow decides whether it is
    // the one charged: only the first accepted submit is.
    const holder = form.cardHolder?.trim();
    const expiry = form.cardExpiry?.trim();
    const submission: PayformSubmission = {
      cardFingerprint: cardFingerprint(digits, deps.secretsKey),
      cardMask: maskCard(digits),
      ...(holder ? { cardHolder: holder } : {}),
    };
    const vault = new CardVault(deps.dataSource, deps.keyring);
    // One submit of an order at a time, so the card the vault keeps (the first) is the one the workflow accepts. A
    // submit that finds another in progress is refused at once (only one card can be charged), holding nothing.
    const answer = await deps.dataSource.transaction(async (tx) => {
      const [lock]: Array<{ got: boolean }> = await tx.query(
        `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS got`,
        [`payform-submit:${order.id}`],
      );
      if (!lock?.got) return 'refused' as const;
      await vault.storeForOrder(
        order.id,
        order.merchant_id,
        { card: { number: digits, ...(expiry ? { expiry } : {}), ...(holder ? { holder } : {}) } },
        form.cardCvc?.trim() || undefined,
      );
      return submitCard(order, submission);
    });
    if (answer === 'unavailable') {
      page(res, 503, 'Please try again', '<p>The payment could not be submitted just now. Please try again.</p>');
      return;
    }
    if (answer === 'refused') {
      alreadySubmitted(res);
      return;
    }
    const next = order.processing_redirect_url;
    page(
      res,
      202,
      'Payment in progress',
      `<p>Your payment is being processed.</p>${next ? `<p><a href="${escapeHtml(next)}">Back to the shop</a></p>` : ''}`,
    );
  });
  return router;
}
