import type Stripe from 'stripe';
import type { PaymentCard } from '../../domain/gateway-contract';
import type {
  CallbackVerification,
  CreateOutcome,
  GatewayCallContext,
  GatewayConnector,
  GatewayPaymentRequest,
  GatewayStatusQuery,
  RawGatewayCallback,
  StatusOutcome,
} from '../connector';
import {
  STRIPE_DECLINE_REASONS,
  createOutcomeOfError,
  createOutcomeOfObject,
  statusOutcomeOfError,
  statusOutcomeOfObject,
} from './answers';
import { errorViewOf, stripeClientFor } from './client';
import { stripeSettingsOf, type StripeGatewaySettings } from './settings';
import { verifyStripeWebhook } from './webhooks';

/** The metadata key under which every Stripe object we create carries our idempotency key (for checks by key). */
export const STRIPE_KEY_METADATA = 'paystar_idempotency_key';
export const STRIPE_ORDER_METADATA = 'paystar_order_id';

/** A payout destination Stripe knows: a bank account or a debit card of the paying account. */
const PAYOUT_DESTINATION = /^(ba|card)_[A-Za-z0-9]+$/;

/**
 * Stripe (docs/connectors.md). Deposits are PaymentIntents created and confirmed in one call, with the card opened
 * from the vault (made into a PaymentMethod first) or the gateway's `paymentMethod`; payouts are Stripe payouts from
 * the gateway's Stripe balance to a bank account or debit card (`ba_…` / `card_…` in the order's payeerIdentifier,
 * else the account's default). Every POST carries an idempotency key derived from the attempt's; webhooks are
 * verified with Stripe's signature scheme.
 */
export class StripeConnector implements GatewayConnector {
  readonly name = 'stripe';
  readonly liveAllowed = true;
  readonly answers = STRIPE_DECLINE_REASONS;

  checkSettings(settings: Record<string, unknown>): void {
    stripeSettingsOf({ id: '(new settings)', settings });
  }

  async create(req: GatewayPaymentRequest, ctx: GatewayCallContext): Promise<CreateOutcome> {
    const settings = stripeSettingsOf(ctx.gateway);
    const stripe = stripeClientFor(settings);
    const metadata = { [STRIPE_KEY_METADATA]: req.idempotencyKey, [STRIPE_ORDER_METADATA]: req.orderId };
    try {
      if (req.direction === 'payout') {
        const destination = req.requisites.payeerIdentifier;
        const payout = await stripe.payouts.create(
          {
            amount: req.amountMinor,
            currency: req.currency.toLowerCase(),
            metadata,
            ...(destination && PAYOUT_DESTINATION.test(destination) ? { destination } : {}),
          },
          { idempotencyKey: req.idempotencyKey, ...accountOf(settings) },
        );
        return createOutcomeOfObject({ ...payout, object: 'payout' });
      }
      const paymentMethod = req.requisites.card
        ? await this.paymentMethodOf(stripe, req.requisites.card, req.idempotencyKey)
        : settings.paymentMethod;
      if (!paymentMethod) {
        // Nothing to charge: a request this gateway cannot make (the order brought no card, the gateway no method).
        return { kind: 'declined', code: '2.2.4.15', psp: { code: 'no_payment_method' } };
      }
      const intent = await stripe.paymentIntents.create(
        {
          amount: req.amountMinor,
          currency: req.currency.toLowerCase(),
          confirm: true,
          payment_method: paymentMethod,
          metadata,
          // With a return URL the payer may be sent to 3DS and back; without one, only methods that need no redirect.
          ...(settings.returnUrl
            ? { return_url: settings.returnUrl }
            : { automatic_payment_methods: { enabled: true, allow_redirects: 'never' as const } }),
        },
        { idempotencyKey: req.idempotencyKey },
      );
      return createOutcomeOfObject({ ...intent, object: 'payment_intent' });
    } catch (err) {
      return createOutcomeOfError(errorViewOf(err));
    }
  }

  /**
   * The vaulted card as a Stripe PaymentMethod. Its key says whether the CVC went along: the CVC is destroyed after
   * the first attempt, and Stripe refuses a key reused with other parameters.
   */
  private async paymentMethodOf(stripe: Stripe, card: PaymentCard, idempotencyKey: string): Promise<string> {
    const [month, year] = (card.expiry ?? '').split('/');
    const method = await stripe.paymentMethods.create(
      {
        type: 'card',
        card: {
          number: card.number,
          ...(month ? { exp_month: Number(month) } : {}),
          ...(year ? { exp_year: 2000 + Number(year) } : {}),
          ...(card.cvc !== undefined ? { cvc: card.cvc } : {}),
        },
        ...(card.holder ? { billing_details: { name: card.holder } } : {}),
      } as Stripe.PaymentMethodCreateParams,
      { idempotencyKey: `${idempotencyKey}:pm${card.cvc !== undefined ? ':cvc' : ''}` },
    );
    return method.id;
  }

  async status(query: GatewayStatusQuery, ctx: GatewayCallContext): Promise<StatusOutcome> {
    const settings = stripeSettingsOf(ctx.gateway);
    const stripe = stripeClientFor(settings);
    try {
      if (query.gatewayRef?.startsWith('po_')) {
        const payout = await stripe.payouts.retrieve(query.gatewayRef, {}, accountOf(settings));
        return statusOutcomeOfObject({ ...payout, object: 'payout' });
      }
      if (query.gatewayRef) {
        const intent = await stripe.paymentIntents.retrieve(query.gatewayRef);
        return statusOutcomeOfObject({ ...intent, object: 'payment_intent' });
      }
      return await this.findByKey(stripe, settings, query.idempotencyKey);
    } catch (err) {
      return statusOutcomeOfError(errorViewOf(err));
    }
  }

  /**
   * After a create whose answer was lost there is no reference: the payment is looked up by the key in its
   * metadata (PaymentIntent search, then the latest payouts). Stripe's search may lag a new payment by a minute;
   * "not found" then only leads to a re-send under the same idempotency key, which Stripe answers with the payment
   * it already has, so nothing is charged twice.
   */
  private async findByKey(stripe: Stripe, settings: StripeGatewaySettings, key: string): Promise<StatusOutcome> {
    const quoted = key.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const found = await stripe.paymentIntents.search({ query: `metadata['${STRIPE_KEY_METADATA}']:'${quoted}'` });
    const intent = found.data.find((pi) => pi.metadata?.[STRIPE_KEY_METADATA] === key);
    if (intent) return statusOutcomeOfObject({ ...intent, object: 'payment_intent' });
    const payouts = await stripe.payouts.list({ limit: 100 }, accountOf(settings));
    const payout = payouts.data.find((po) => po.metadata?.[STRIPE_KEY_METADATA] === key);
    if (payout) return statusOutcomeOfObject({ ...payout, object: 'payout' });
    return { kind: 'not_found', code: '4.1.1.00', psp: { code: 'not_found_by_metadata' } };
  }

  async verifyCallback(raw: RawGatewayCallback, ctx: GatewayCallContext): Promise<CallbackVerification> {
    return verifyStripeWebhook(raw, stripeSettingsOf(ctx.gateway), ctx.now);
  }
}

/** The Stripe-Account of payouts, when the gateway pays from a connected account. */
const accountOf = (settings: StripeGatewaySettings) =>
  settings.payoutAccount ? { stripeAccount: settings.payoutAccount } : {};
