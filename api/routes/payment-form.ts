import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { resolveRoute } from '../../data/routing';
import { CODES } from '../../domain/history-codes';
import { isUuid } from '../../domain/ids';
import type { OrderStatus } from '../../domain/order';
import type { PaymentMethod } from '../../domain/requisites';
import { normalizeCardNumber } from '../../domain/requisite-normalization';
import { cardFingerprint, maskCard, maskCardHolder } from '../../infra/security/card-fingerprint';
import { recordFirstCard } from '../../data/order-store';
import { SANDBOX_CHALLENGE_CARD, SANDBOX_CHALLENGE_CODE, SANDBOX_OTP_CARD } from '../../gateways/sandbox/challenge';
import { CardVault } from '../../vault/card-vault';
import {
  getOrderStateQuery,
  payformSignal,
  payformSubmitUpdate,
  type PayformChallengeOutcome,
  type PayformEvent,
  type PayformRefusedField,
  type PayformSubmission,
} from '../../workflows/definitions';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';
import { CARD_CVC, CARD_EXPIRY, passesLuhn } from '../orders/schemas';
import { refuseControlCharacters } from '../http-hygiene';
import { formatAmount } from '../payform/amount';
import { PAYFORM_SCRIPT, PAYFORM_STYLES } from '../payform/assets';
import { MESSAGES, pickLocale, type Locale, type Messages } from '../payform/messages';
import {
  challengePage,
  formPage,
  messagePage,
  type FieldView,
  type OrderSummary,
  type PageFrame,
} from '../payform/views';
import { unauthenticatedTraffic } from '../unauthenticated-traffic';

interface FormOrder {
  id: string;
  merchant_id: string;
  merchant_name: string;
  external_transaction_id: string;
  status: OrderStatus;
  amount: string;
  currency: string;
  mode: 'sandbox' | 'live' | null;
  workflow_id: string;
  pipeline_id: string | null;
  method: PaymentMethod;
  card_mask: string | null;
  processing_redirect_url: string | null;
  success_redirect_url: string | null;
  failed_redirect_url: string | null;
  /** The form's lifetime ended without a card (the workflow recorded 1.2.4.73 at the form). */
  expired: boolean;
  /** The issuer declined the last card and the form takes another now (its 3.1.1.00 came after the last 3.1.1.55). */
  retry_open: boolean;
  /** Which of the payer's cards the form takes now (1, then 2, 3… after declines). */
  card_try: number;
  /** How many cards the order lets the payer try (recorded when the form opened again), when known. */
  card_tries: number | null;
}

/** Cards the payer may still try, the one the form takes now included. */
const cardTriesLeft = (order: FormOrder) => Math.max(1, (order.card_tries ?? order.card_try) - order.card_try + 1);

/** How long a submit may wait for the workflow's answer before the payer is asked to try again. */
const SUBMIT_DEADLINE_MS = 10_000;

/**
 * How the workflow of an order started before the submit Update existed (workflows/v1, or a worker of the previous
 * release) rejects it: the SDK finds no handler and fails the Update with this message.
 */
const NO_UPDATE_HANDLER = 'No registered handler for update';

/** The order still takes a card: nothing was submitted and it has not ended, or the issuer declined the last one. */
const takesCard = (order: FormOrder) => (order.status === 'Created' && !order.card_mask) || order.retry_open;

/** Where the payment is, as the page's script reads it from the status endpoint. */
export interface PayformStatus {
  status: 'awaiting-card' | 'processing' | 'success' | 'failed';
  final: boolean;
  /** The merchant's page for this outcome (success, failed; processing while pending), or null: none was given. */
  redirectUrl: string | null;
  /** Present when the issuer declined the last card and the page takes another one. */
  cardDeclined?: true;
}

function statusOf(order: FormOrder): PayformStatus {
  if (order.status === 'Success') return { status: 'success', final: true, redirectUrl: order.success_redirect_url };
  if (order.status === 'Failed') return { status: 'failed', final: true, redirectUrl: order.failed_redirect_url };
  if (order.retry_open) return { status: 'awaiting-card', final: false, redirectUrl: null, cardDeclined: true };
  if (takesCard(order)) return { status: 'awaiting-card', final: false, redirectUrl: null };
  return { status: 'processing', final: false, redirectUrl: order.processing_redirect_url };
}

/** The origins of the merchant's pages, where the form's cancel may redirect (CSP form-action covers redirects). */
function merchantOrigins(order: FormOrder): string[] {
  const urls = [order.success_redirect_url, order.failed_redirect_url, order.processing_redirect_url];
  const origins = new Set<string>();
  for (const url of urls) {
    if (!url) continue;
    try {
      origins.add(new URL(url).origin);
    } catch {
      // Stored URLs were validated at creation; one that does not parse is left out.
    }
  }
  return [...origins];
}

/**
 * The payment page's own policy, stricter than the API's default: our script and stylesheet only, status requests
 * to us only, no framing, and the form posts here (or, for cancel, is redirected to the merchant's pages).
 */
function contentSecurityPolicy(order?: FormOrder): string {
  const formAction = ["'self'", ...(order ? merchantOrigins(order) : [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * The hosted payment form of host-to-client deposits, at the `paymentFormUrl` the create answer gives: the payer
 * opens it, enters the card and pays or cancels, then follows the payment to its end and is sent back to the
 * merchant's page for the outcome (docs/payment-page.md). The order's UUID is the capability, as in PSPs' hosted
 * pages. The card number is turned into its fingerprint and mask here and goes nowhere else but the vault.
 */
export function paymentFormRouter(deps: ApiDependencies): Router {
  const router = Router();
  const traffic = unauthenticatedTraffic(deps.dataSource, deps.logger);

  router.get('/pay/assets/payform.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').type('text/javascript').send(PAYFORM_SCRIPT);
  });
  router.get('/pay/assets/payform.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').type('text/css').send(PAYFORM_STYLES);
  });

  /** The request's locale and the frame of every page about this order. */
  function frameOf(req: Request, order: FormOrder | undefined, title: (m: Messages) => string, extra = {}) {
    const locale = pickLocale(req.query.lang, req.headers['accept-language']);
    const frame: PageFrame = {
      locale,
      title: title(MESSAGES[locale]),
      merchantName: order?.merchant_name ?? null,
      path: `/pay/${order?.id ?? encodeURIComponent(String(req.params.externalId))}`,
      ...extra,
    };
    return { locale, m: MESSAGES[locale], frame };
  }

  function send(res: Response, status: number, html: string, order?: FormOrder): void {
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .set('Content-Security-Policy', contentSecurityPolicy(order))
      .type('html')
      .send(html);
  }

  const summaryOf = (order: FormOrder, locale: Locale): OrderSummary => ({
    reference: order.external_transaction_id,
    amount: formatAmount(order.amount, order.currency, locale),
  });

  async function findOrder(req: Request): Promise<FormOrder | undefined> {
    const id = String(req.params.externalId);
    if (!isUuid(id)) return undefined;
    const rows: FormOrder[] = await deps.dataSource.query(
      `SELECT o.id, o.merchant_id, m.name AS merchant_name, o.external_transaction_id, o.status,
              o.amount_minor::text AS amount, o.currency, o.mode, o.workflow_id, o.pipeline_id, o.method, o.card_mask,
              o.processing_redirect_url, o.success_redirect_url, o.failed_redirect_url,
              (o.status = 'Failed' AND ((o.card_mask IS NULL AND f.deadline) OR f.form_deadline)) AS expired,
              (o.status NOT IN ('Success', 'Failed') AND f.submits > 0 AND f.forms > f.submits) AS retry_open,
              greatest(f.forms, 1) AS card_try, f.card_tries
         FROM orders o JOIN merchants m ON m.id = o.merchant_id
         CROSS JOIN LATERAL (
           SELECT coalesce(bool_or(h.code = $2), false) AS deadline,
                  coalesce(bool_or(h.code = $2 AND h.details->>'stage' = 'payform'), false) AS form_deadline,
                  (count(*) FILTER (WHERE h.code = $3))::int AS forms,
                  (count(*) FILTER (WHERE h.code = $4))::int AS submits,
                  max((h.details->>'cardTries')::int) FILTER (WHERE h.code = $3) AS card_tries
             FROM order_history h WHERE h.order_id = o.id) f
        WHERE o.id = $1 AND o.flow = 'h2c'`,
      [id, CODES.DEADLINE_REACHED, CODES.PAYFORM_CREATED, CODES.PAYFORM_SUBMITTED],
    );
    return rows[0];
  }

  function notFound(req: Request, res: Response): void {
    const { m, frame } = frameOf(req, undefined, (m) => m.notFoundTitle);
    send(res, 404, messagePage(frame, { paragraphs: [m.notFound], link: null }));
  }

  /** The one answer to a card the order does not take (any more), whether the route or the workflow knew it first. */
  function alreadySubmitted(req: Request, res: Response, order: FormOrder): void {
    const { m, frame, locale } = frameOf(req, order, (m) => m.alreadyTitle);
    const html = messagePage(frame, {
      paragraphs: [m.already, m.alreadyNoOther],
      link: statusOf(order).redirectUrl,
      summary: summaryOf(order, locale),
    });
    send(res, 409, html, order);
  }

  /**
   * The form's lifetime ended before a card came: the page says so, whether the payer reopens it or presses Pay on
   * the old one, and links to the merchant's failed page (else the processing one). Nothing was charged.
   */
  function expiredPage(req: Request, res: Response, order: FormOrder): void {
    const { m, frame, locale } = frameOf(req, order, (m) => m.expiredTitle);
    const link = order.failed_redirect_url ?? order.processing_redirect_url;
    send(res, 410, messagePage(frame, { paragraphs: [m.expired], link, summary: summaryOf(order, locale) }), order);
  }

  /** The page of an order that no longer takes a card: its live result, or the merchant's page once it is final. */
  function resultPage(req: Request, res: Response, order: FormOrder, status = 200): void {
    if (order.expired) return expiredPage(req, res, order);
    const now = statusOf(order);
    if (now.final && now.redirectUrl) {
      res.set('Cache-Control', 'no-store').redirect(303, now.redirectUrl);
      return;
    }
    const self = `/pay/${order.id}${req.query.lang ? `?lang=${pickLocale(req.query.lang, undefined)}` : ''}`;
    const title = (m: Messages) =>
      now.status === 'success' ? m.successTitle : now.status === 'failed' ? m.failedTitle : m.progressTitle;
    const live = now.final ? {} : { data: { 'status-url': `/pay/${order.id}/status`, 'result-url': self } };
    const refresh = now.final ? {} : { refresh: `3;url=${self}` };
    const { m, frame, locale } = frameOf(req, order, title, { ...live, ...refresh });
    const paragraphs =
      now.status === 'success' ? [m.success, m.closePage] : now.status === 'failed' ? [m.failed] : [m.progress];
    send(
      res,
      status,
      messagePage(frame, { paragraphs, link: now.redirectUrl, summary: summaryOf(order, locale) }),
      order,
    );
  }

  /** No gateway takes this order: the payer is told before typing a card, and sent back to the shop. */
  async function unroutable(order: FormOrder): Promise<boolean> {
    const route = order.pipeline_id
      ? await resolveRoute(deps.dataSource, {
          pipelineId: order.pipeline_id,
          direction: 'deposit',
          amountMinor: Number(order.amount),
          currency: order.currency,
          method: order.method,
          mode: order.mode ?? 'sandbox',
        })
      : [];
    return route.length === 0;
  }

  function unroutablePage(req: Request, res: Response, order: FormOrder): void {
    const { m, frame, locale } = frameOf(req, order, (m) => m.unroutableTitle);
    const link = order.failed_redirect_url ?? order.processing_redirect_url;
    send(res, 409, messagePage(frame, { paragraphs: [m.unroutable], link, summary: summaryOf(order, locale) }), order);
  }

  const tell = (order: FormOrder, event: PayformEvent) =>
    deps.temporal.client.workflow.getHandle(order.workflow_id).signal(payformSignal, event);

  /** Card details the form refused go to the order's history (which fields only), within the traffic budget. */
  async function recordRefusal(order: FormOrder, fields: PayformRefusedField[]): Promise<void> {
    if (fields.length === 0 || !(await traffic.allow(order.id, 'payform-refused'))) return;
    await tell(order, { type: 'refused', fields }).catch(() => undefined);
  }

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
          // Per try: the same card tried again after a decline is a new submit, not the first one repeated.
          updateId: `payform-submit-${order.card_try > 1 ? `${order.card_try}-` : ''}${submission.cardFingerprint}`,
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

  /** Anyone with the link can submit: past a few submissions the workflow hears no more of them (a 429 page). */
  async function tooManyAttempts(req: Request, res: Response, order: FormOrder): Promise<boolean> {
    if (await traffic.allow(order.id, 'payform-submit')) return false;
    const { m, frame } = frameOf(req, order, (m) => m.tooManyTitle);
    send(res, 429, messagePage(frame, { paragraphs: [m.tooMany], link: order.failed_redirect_url }), order);
    return true;
  }

  /** Whether the order's workflow waits for another card of the payer's now, after a decline. */
  async function awaitsAnotherCard(order: FormOrder): Promise<boolean> {
    const handle = deps.temporal.client.workflow.getHandle(order.workflow_id);
    const state = await handle.query(getOrderStateQuery).catch(() => undefined);
    return state?.cardTry?.number === order.card_try && state.cardTry.awaitingCard;
  }

  /** Whether the order's workflow waits for the payer's answer to the card's verification challenge. */
  async function challengePending(order: FormOrder): Promise<boolean> {
    const afterDecline = order.card_try > 1 && order.status === 'Processing' && !order.retry_open;
    if ((order.status !== 'Created' && !afterDecline) || !order.card_mask) return false;
    const handle = deps.temporal.client.workflow.getHandle(order.workflow_id);
    const state = await handle.query(getOrderStateQuery).catch(() => undefined);
    return state?.challenge === 'pending';
  }

  function challengeView(req: Request, res: Response, order: FormOrder, status: number, invalid = false): void {
    const { m, frame, locale } = frameOf(req, order, (m) => m.challengeTitle);
    const hint = order.mode === 'live' ? null : `${m.sandboxChallengeHint} ${SANDBOX_CHALLENGE_CODE}`;
    const action = `/pay/${order.id}/challenge${req.query.lang ? `?lang=${locale}` : ''}`;
    send(res, status, challengePage(frame, { ...summaryOf(order, locale), action, hint, invalid }), order);
  }

  /** The card form; after a refused submit, with each error next to its field and the safe values kept. */
  function formView(req: Request, res: Response, order: FormOrder, status: number, refused?: RefusedForm): void {
    const title = (m: Messages) => (order.retry_open ? m.declinedTitle : m.pageTitle);
    const { m, frame, locale } = frameOf(req, order, title, {
      data: { 'refused-url': `/pay/${order.id}/refused`, 'activity-url': `/pay/${order.id}/activity` },
    });
    const amount = formatAmount(order.amount, order.currency, locale);
    const errors = refused?.errors ?? {};
    const fields: FieldView[] = [
      {
        name: 'cardNumber',
        label: m.cardNumber,
        autocomplete: 'cc-number',
        inputmode: 'numeric',
        maxlength: 23,
        placeholder: '1234 5678 9012 3456',
        required: true,
        // Never echoed: a card number is in no response (docs/payment-page.md).
        value: '',
        error: errors.cardNumber ? m.invalidCardNumber : '',
        message: m.invalidCardNumber,
      },
      {
        name: 'cardExpiry',
        label: m.cardExpiry,
        autocomplete: 'cc-exp',
        inputmode: 'numeric',
        maxlength: 5,
        placeholder: m.expiryPlaceholder,
        required: true,
        value: refused?.expiry ?? '',
        error: errors.cardExpiry ? m.invalidExpiry : '',
        message: m.invalidExpiry,
      },
      {
        name: 'cardCvc',
        label: m.cardCvc,
        autocomplete: 'cc-csc',
        inputmode: 'numeric',
        maxlength: 4,
        required: true,
        // Never echoed, like the number.
        value: '',
        error: errors.cardCvc ? m.invalidCvc : '',
        message: m.invalidCvc,
      },
      {
        name: 'cardHolder',
        label: m.cardHolder,
        autocomplete: 'cc-name',
        maxlength: 100,
        required: false,
        value: refused?.holder ?? '',
        error: '',
        message: '',
      },
    ];
    const action = `/pay/${order.id}${req.query.lang ? `?lang=${locale}` : ''}`;
    const html = formPage(frame, {
      ...summaryOf(order, locale),
      payLabel: `${m.pay} ${amount}`,
      fields,
      action,
      ...(order.retry_open ? { declined: { triesLeft: cardTriesLeft(order) } } : {}),
    });
    send(res, status, html, order);
  }

  router.get('/pay/:externalId', async (req, res) => {
    const order = await findOrder(req);
    if (!order) return notFound(req, res);
    if (await challengePending(order)) return challengeView(req, res, order, 200);
    if (!takesCard(order)) return resultPage(req, res, order);
    if (await unroutable(order)) return unroutablePage(req, res, order);
    // A visit is informative only, and anyone with the link can make one: only a few reach the workflow.
    if (await traffic.allow(order.id, 'payform-visit')) await tell(order, { type: 'visited' }).catch(() => undefined);
    formView(req, res, order, 200);
  });

  /** Where the payment is, for the page's script: no personal data, only the state and the merchant's page. */
  router.get('/pay/:externalId/status', async (req, res) => {
    const order = await findOrder(req);
    if (!order) throw new HttpError(404, 'NOT_FOUND', 'there is no payment form at this address');
    res.set('Cache-Control', 'no-store').json(statusOf(order));
  });

  /** The page's script refused card details before sending them: which fields is recorded, never their values. */
  router.post('/pay/:externalId/refused', sameOrigin, async (req, res) => {
    const { fields } = (req.body ?? {}) as { fields?: unknown };
    if (!Array.isArray(fields) || fields.length === 0 || fields.length > 3 || !fields.every(isRefusedField)) {
      throw new HttpError(400, 'VALIDATION_FAILED', `fields must list 1 to 3 of ${REFUSED_FIELDS.join(', ')}`, [
        { field: 'fields', message: `1 to 3 of ${REFUSED_FIELDS.join(', ')}` },
      ]);
    }
    const order = await findOrder(req);
    if (!order) throw new HttpError(404, 'NOT_FOUND', 'there is no payment form at this address');
    if (takesCard(order)) await recordRefusal(order, [...new Set(fields)]);
    res.status(204).end();
  });

  /**
   * The page's script tells what the payer does on the form that the server cannot see: started typing card details
   * (`entered`, 3.0.1.53) or left the page without paying (`left`, 3.0.1.52, a beacon on `pagehide`). Only while
   * the order takes a card, within the traffic budget; nothing of what was typed is sent.
   */
  router.post('/pay/:externalId/activity', sameOrigin, async (req, res) => {
    const event = req.query.event;
    if (event !== 'entered' && event !== 'left') {
      throw new HttpError(400, 'VALIDATION_FAILED', 'event must be entered or left', [
        { field: 'event', message: 'entered or left' },
      ]);
    }
    const order = await findOrder(req);
    if (!order) throw new HttpError(404, 'NOT_FOUND', 'there is no payment form at this address');
    if (takesCard(order) && (await traffic.allow(order.id, 'payform-activity'))) {
      await tell(order, { type: event }).catch(() => undefined);
    }
    res.status(204).end();
  });

  // Form fields get the same control-character rule as JSON ones (a NUL cannot be stored).
  const formBody = [express.urlencoded({ extended: false, limit: '4kb' }), refuseControlCharacters, sameOrigin];
  router.post('/pay/:externalId', ...formBody, async (req, res) => {
    const order = await findOrder(req);
    if (!order) return notFound(req, res);
    if (order.expired) return expiredPage(req, res, order);
    if (!takesCard(order)) return alreadySubmitted(req, res, order);
    const tooMany = () => tooManyAttempts(req, res, order);
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
      if (order.failed_redirect_url) {
        res.set('Cache-Control', 'no-store').redirect(303, order.failed_redirect_url);
        return;
      }
      const { m, frame, locale } = frameOf(req, order, (m) => m.cancelledTitle);
      const link = order.processing_redirect_url;
      send(res, 200, messagePage(frame, { paragraphs: [m.cancelled], link, summary: summaryOf(order, locale) }), order);
      return;
    }
    if (await unroutable(order)) return unroutablePage(req, res, order);
    const holder = form.cardHolder?.trim();
    const expiry = form.cardExpiry?.trim();
    const cvc = form.cardCvc?.trim();
    const checked = checkCard(form.cardNumber ?? '', expiry, cvc, new Date());
    if ('errors' in checked) {
      await recordRefusal(order, Object.keys(checked.errors) as PayformRefusedField[]);
      formView(req, res, order, 400, {
        errors: checked.errors,
        ...(holder ? { holder } : {}),
        ...(expiry ? { expiry } : {}),
      });
      return;
    }
    const digits = checked.digits;
    if (await tooMany()) return;
    // The card goes to the vault (the gateway activity reads it there), then the workflow decides whether it is
    // the one charged: only the first accepted submit is.
    const submission: PayformSubmission = {
      cardFingerprint: cardFingerprint(digits, deps.secretsKey),
      cardMask: maskCard(digits),
      // Masked already: the submit travels in the workflow's history; the vault below keeps the whole name.
      ...(holder ? { cardHolder: maskCardHolder(holder) } : {}),
      // The sandbox's 3-D Secure and OTP test cards ask for a challenge before the gateway (docs/sandbox.md).
      ...(order.mode !== 'live' && digits === SANDBOX_CHALLENGE_CARD ? { challenge: true } : {}),
      ...(order.mode !== 'live' && digits === SANDBOX_OTP_CARD
        ? { challenge: true, challengeKind: 'otp' as const }
        : {}),
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
      // Another card after a decline replaces the vaulted one: only while this try still waits for its card (the
      // workflow's word, not the order row's, which a submit accepted a moment ago may not have reached yet).
      if (order.retry_open && !(await awaitsAnotherCard(order))) return 'refused' as const;
      await vault.storeForOrder(
        order.id,
        order.merchant_id,
        { card: { number: digits, ...(expiry ? { expiry } : {}), ...(holder ? { holder } : {}) } },
        cvc || undefined,
        // After a decline the new card replaces the declined one: the workflow charges nothing until it accepts it.
        { replaceCard: order.retry_open },
      );
      return submitCard(order, submission);
    });
    if (answer === 'unavailable') {
      const { m, frame } = frameOf(req, order, (m) => m.unavailableTitle);
      send(res, 503, messagePage(frame, { paragraphs: [m.unavailable], link: null }), order);
      return;
    }
    if (answer === 'refused') return alreadySubmitted(req, res, order);
    if (submission.challenge) return challengeView(req, res, order, 202);
    // The live result: the page follows the order until it is final, then sends the payer to the merchant.
    resultPage(req, res, { ...order, card_mask: submission.cardMask }, 202);
  });

  /**
   * The payer answers the card's verification challenge: the sandbox's code passes it, any other fails it, Cancel
   * leaves it. The workflow records the outcome; the page then follows the order like after Pay.
   */
  router.post('/pay/:externalId/challenge', ...formBody, async (req, res) => {
    const order = await findOrder(req);
    if (!order) return notFound(req, res);
    if (!(await challengePending(order))) {
      // Nothing to answer: back to the page itself (the form, or where the payment is), or to the merchant's page.
      if (takesCard(order)) return res.set('Cache-Control', 'no-store').redirect(303, `/pay/${order.id}`);
      return resultPage(req, res, order);
    }
    const form = (req.body ?? {}) as { action?: string; code?: string };
    const code = form.code?.trim() ?? '';
    if (form.action !== 'cancel' && !/^\d{1,8}$/.test(code)) return challengeView(req, res, order, 400, true);
    if (await tooManyAttempts(req, res, order)) return;
    const outcome: PayformChallengeOutcome =
      form.action === 'cancel' ? 'left' : code === SANDBOX_CHALLENGE_CODE ? 'passed' : 'failed';
    await tell(order, { type: 'challenge', outcome });
    resultPage(req, res, order, 202);
  });
  return router;
}

/**
 * CSRF protection of the page's POSTs: a browser says where a request comes from (`Sec-Fetch-Site`), and a form
 * posted from another site (or a sibling subdomain) is refused. A request without the header (not a browser, or
 * one too old to send it) is let through: the form holds no session or cookie that another site could ride on.
 */
function sameOrigin(req: Request, res: Response, next: NextFunction): void {
  const site = req.headers['sec-fetch-site'];
  if (site === undefined || site === 'same-origin' || site === 'none') return next();
  const locale = pickLocale(req.query.lang, req.headers['accept-language']);
  const m = MESSAGES[locale];
  const frame: PageFrame = { locale, title: m.crossSiteTitle, merchantName: null, path: req.path };
  res
    .status(403)
    .set('Cache-Control', 'no-store')
    .set('Content-Security-Policy', contentSecurityPolicy())
    .type('html')
    .send(messagePage(frame, { paragraphs: [m.crossSite], link: null }));
}

const REFUSED_FIELDS: readonly PayformRefusedField[] = ['cardNumber', 'cardExpiry', 'cardCvc'];
const isRefusedField = (value: unknown): value is PayformRefusedField =>
  REFUSED_FIELDS.includes(value as PayformRefusedField);

interface RefusedForm {
  errors: Partial<Record<PayformRefusedField, true>>;
  holder?: string;
  expiry?: string;
}

/**
 * The server's check of what the payer typed, the same as the page's script: a card number of 12–19 digits that
 * passes Luhn (sandbox orders too: a sandbox card is refused like a live one), an expiry MM/YY or MM/YYYY not before
 * this month, a CVC of 3 or 4 digits. Expiry and CVC may be absent (a merchant's own form may not ask for them).
 */
export function checkCard(
  number: string,
  expiry: string | undefined,
  cvc: string | undefined,
  now: Date,
): { digits: string } | { errors: RefusedForm['errors'] } {
  const errors: RefusedForm['errors'] = {};
  let digits = '';
  try {
    digits = normalizeCardNumber(number);
    if (!passesLuhn(digits)) errors.cardNumber = true;
  } catch {
    errors.cardNumber = true;
  }
  if (expiry && !expiryValid(expiry, now)) errors.cardExpiry = true;
  if (cvc && !CARD_CVC.test(cvc)) errors.cardCvc = true;
  return Object.keys(errors).length > 0 ? { errors } : { digits };
}

function expiryValid(expiry: string, now: Date): boolean {
  const match = CARD_EXPIRY.exec(expiry);
  if (!match) return false;
  const month = Number(match[1]);
  const year = Number(match[2]!.length === 2 ? `20${match[2]}` : match[2]);
  return year * 12 + month >= now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
}
