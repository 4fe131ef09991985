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
import { callbackSecretOf, verifySandboxCallback } from '../sandbox/callbacks';
import { SANDBOX_PSP_AMOUNT_UPDATES } from '../sandbox/protocol';
import { createOutcomeOfAnswer, statusOutcomeOfAnswer } from './answers';
import { httpSettingsOf } from './settings';
import { callPsp } from './transport';

/**
 * A gateway reached over HTTP that speaks the sandbox PSP's API (the HTTP simulator of gateways/simulator, or
 * anything that implements it). Settings: `baseUrl`, `apiKey`, `timeoutMs` (default 5 s), `callbackSecret`.
 * Only the amount, currency and order id leave the engine: no requisites, so no card data.
 */
export class HttpSimConnector implements GatewayConnector {
  readonly name = 'http-sim';
  /** Speaks a PSP's HTTP API at a configured address: real gateways that implement it may be live. */
  readonly liveAllowed = true;
  /** The PSP's API settles card and p2p payments partially (within 10%); a gateway may narrow it in its settings. */
  readonly amountUpdates = SANDBOX_PSP_AMOUNT_UPDATES;

  checkSettings(settings: Record<string, unknown>): void {
    httpSettingsOf({ id: '(new settings)', settings });
  }

  async create(req: GatewayPaymentRequest, ctx: GatewayCallContext): Promise<CreateOutcome> {
    const answer = await callPsp(httpSettingsOf(ctx.gateway), {
      method: 'POST',
      path: 'v1/payments',
      headers: { 'idempotency-key': req.idempotencyKey },
      body: { amount: req.amountMinor, currency: req.currency, reference: req.orderId },
    });
    return createOutcomeOfAnswer(answer, req.idempotencyKey);
  }

  async status(query: GatewayStatusQuery, ctx: GatewayCallContext): Promise<StatusOutcome> {
    const path =
      query.gatewayRef !== undefined
        ? `v1/payments/${encodeURIComponent(query.gatewayRef)}`
        : `v1/payments?idempotencyKey=${encodeURIComponent(query.idempotencyKey)}`;
    const answer = await callPsp(httpSettingsOf(ctx.gateway), { method: 'GET', path });
    return statusOutcomeOfAnswer(answer, query.idempotencyKey);
  }

  async verifyCallback(raw: RawGatewayCallback, ctx: GatewayCallContext): Promise<CallbackVerification> {
    return verifySandboxCallback(raw, callbackSecretOf(ctx.gateway));
  }
}
