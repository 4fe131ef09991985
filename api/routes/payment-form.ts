import { isUuid } from '../../domain/ids';
import express, { Router, type Request, type Response } from 'express';
import { normalizeCardNumber } from '../../domain/requisite-normalization';
import { cardFingerprint, maskCard } from '../../infra/security/card-fingerprint';
import { CardVault } from '../../vault/card-vault';
import { payformSignal, type PayformEvent } from '../../workflows/definitions';
import type { ApiDependencies } from '../app';
import { escapeHtml } from '../docs-page';
import { CARD_CVC, CARD_EXPIRY, passesLuhn } from '../orders/schemas';

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

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
        '<style>body{font-family:sans-serif;max-width:26rem;margin:3rem auto}label,input,button{display:block;' +
        'margin:.4rem 0;font-size:1rem}input{width:100%}</style></head>' +
        `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}

/**
 * The hosted payment form of host-to-client deposits, at the `paymentFormUrl` the create answer gives: the payer
 * opens it, enters the card and pays or cancels. The order's UUID is the capability, as in PSPs' hosted pages. The
 * card number is turned into its fingerprint and mask here and goes nowhere else.
 */
export function paymentFormRouter(deps: ApiDependencies): Router {
  const router = Router();

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
      page(res, 409, 'Payment already submitted', `<p>This payment is ${escapeHtml(order.status.toLowerCase())}.</p>`);
      return undefined;
    }
    return order;
  }

  const tell = (order: FormOrder, event: PayformEvent) =>
    deps.temporal.client.workflow.getHandle(order.workflow_id).signal(payformSignal, event);

  router.get('/pay/:externalId', async (req, res) => {
    const order = await loadOrder(req, res);
    if (!order) return;
    await tell(order, { type: 'visited' }).catch(() => undefined); // a visit is informative only
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

  router.post('/pay/:externalId', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const order = await loadOrder(req, res);
    if (!order) return;
    const form = req.body as {
      action?: string;
      cardNumber?: string;
      cardHolder?: string;
      cardExpiry?: string;
      cardCvc?: string;
    };
    if (form.action === 'cancel') {
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
    const cardMask = maskCard(digits);
    // The card goes to the vault (the gateway activity reads it there), then the workflow hears of it.
    const holder = form.cardHolder?.trim();
    const expiry = form.cardExpiry?.trim();
    await new CardVault(deps.dataSource, deps.keyring).storeForOrder(
      order.id,
      order.merchant_id,
      { card: { number: digits, ...(expiry ? { expiry } : {}), ...(holder ? { holder } : {}) } },
      form.cardCvc?.trim() || undefined,
    );
    // The workflow first: if Temporal is unreachable the payer can submit again; the order takes the first card.
    await tell(order, { type: 'submitted', cardFingerprint: cardFingerprint(digits, deps.secretsKey), cardMask });
    await deps.dataSource.query(
      `UPDATE orders SET card_mask = $2, card_holder = COALESCE($3, card_holder) WHERE id = $1`,
      [order.id, cardMask, form.cardHolder?.trim() || null],
    );
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
