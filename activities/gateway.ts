import { isUuid } from '../domain/ids';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { orderIdOfWorkflow } from '../domain/order';
import {
  type CreateOutcome,
  GATEWAY_FAILURE,
  type GatewayPaymentRequest,
  type StatusOutcome,
} from '../domain/gateway-contract';
import { loadGateway, UnknownGatewayError } from '../data/gateways';
import { findOrderMoney } from '../data/order-store';
import type { GatewayEntity } from '../entities/gateway.entity';
import {
  type GatewayCallContext,
  GatewayMisconfiguredError,
  type GatewayRegistry,
  type GatewayStatusQuery,
} from '../gateways/connector';
import { amountUpdatePolicyOf } from '../gateways/amount-updates';
import { type CallbackOrder, checkStatusAgainstOrder, statusWithoutClaim } from '../gateways/amount-claims';
import { overrideCheck, overrideCreate } from '../gateways/answer-overrides';
import type { Keyring } from '../infra/security/keyring';
import { CardVault } from '../vault/card-vault';
import { createFailureOnAttempt, createOutcomeOnAttempt } from './create-retries';
import { gatewayClockMs } from './gateway-clock';

/** The money of the order whose workflow runs this activity; undefined outside an order (or before its row). */
async function orderMoneyOf(dataSource: DataSource): Promise<CallbackOrder | undefined> {
  const orderId = orderIdOfWorkflow(Context.current().info.workflowExecution?.workflowId ?? '');
  if (!orderId || !isUuid(orderId)) return undefined;
  return (await findOrderMoney(dataSource, orderId))?.money;
}

/** How long an activity keeps trying to read a gateway's configuration, and the pauses between tries. */
export interface ConfigReadRetry {
  budgetMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}
const CONFIG_READ_RETRY: ConfigReadRetry = { budgetMs: 20_000, firstDelayMs: 250, maxDelayMs: 4_000 };

/**
 * The gateway's configuration, read again while the database cannot answer (PostgreSQL restarting): an
 * infrastructure fault is not a gateway outcome. When it still cannot be read, the activity fails with type
 * `GatewayConfigUnavailable` before anything was sent, so the workflow knows the gateway never saw the request.
 */
async function loadGatewayConfig(
  dataSource: DataSource,
  gatewayId: string,
  retry: ConfigReadRetry,
  keyring: Keyring | undefined,
) {
  const deadline = Date.now() + retry.budgetMs;
  for (let delay = retry.firstDelayMs; ; delay = Math.min(delay * 2, retry.maxDelayMs)) {
    try {
      return await loadGateway(dataSource, gatewayId, keyring);
    } catch (err) {
      if (err instanceof UnknownGatewayError) throw err;
      if (Date.now() + delay > deadline) {
        throw ApplicationFailure.create({
          type: GATEWAY_FAILURE.configUnavailable,
          message: `the configuration of gateway ${gatewayId} could not be read; nothing was sent: ${
            err instanceof Error ? err.message : String(err)
          }`,
        });
      }
      await Context.current().sleep(delay);
    }
  }
}

/**
 * Configuration errors cannot heal by retrying the same attempt: they fail the activity for good, typed, so the
 * workflow can tell them from a gateway's answer (which is always an outcome, never an error). The gateway is
 * called, or not, as one step: only once its configuration is in hand.
 */
async function withGateway<T>(
  dataSource: DataSource,
  keyring: Keyring | undefined,
  gatewayId: string,
  retry: ConfigReadRetry,
  call: (ctx: GatewayCallContext, gateway: GatewayEntity) => Promise<T>,
  at?: string,
): Promise<T> {
  try {
    const gateway = await loadGatewayConfig(dataSource, gatewayId, retry, keyring);
    return await call({ gateway, now: new Date(gatewayClockMs(at)) }, gateway);
  } catch (err) {
    if (err instanceof UnknownGatewayError) {
      throw ApplicationFailure.create({ type: GATEWAY_FAILURE.unknown, message: err.message, nonRetryable: true });
    }
    if (err instanceof GatewayMisconfiguredError) {
      throw ApplicationFailure.create({
        type: GATEWAY_FAILURE.misconfigured,
        message: err.message,
        nonRetryable: true,
      });
    }
    throw err;
  }
}

/**
 * Gateway calls through the connector registry. With the keyring, gateway credentials are decrypted for the
 * connector, and a create hands the connector the order's vaulted data (the full card, bankName, every requisite)
 * on top of what the workflow sent, destroying the CVC once the first attempt is made, whatever its outcome. A
 * negative answer is then read through the operators' answer overrides (gateways/answer-overrides.ts).
 */
export function gatewayActivities(
  dataSource: DataSource,
  registry: GatewayRegistry,
  { keyring, configRead = CONFIG_READ_RETRY }: { keyring?: Keyring; configRead?: ConfigReadRetry } = {},
) {
  const vault = keyring ? new CardVault(dataSource, keyring) : undefined;
  return {
    /** Creates the payment at the gateway; the request's idempotency key makes retries safe. */
    async createGatewayPayment(gatewayId: string, request: GatewayPaymentRequest): Promise<CreateOutcome> {
      const { attempt } = Context.current().info;
      try {
        return await withGateway(dataSource, keyring, gatewayId, configRead, async (ctx, gateway) => {
          const target = registry.forGateway(gateway);
          const vaulted = vault ? await vault.openForOrder(request.orderId) : null;
          let outcome: CreateOutcome;
          if (!vaulted) outcome = await target.create(request, ctx);
          else {
            try {
              outcome = await target.create({ ...request, requisites: { ...request.requisites, ...vaulted } }, ctx);
            } finally {
              if (vaulted.card?.cvc !== undefined) await vault!.destroyCvc(request.orderId);
            }
          }
          const answer = await overrideCreate(dataSource, target.name, outcome);
          return createOutcomeOnAttempt(answer, attempt);
        });
      } catch (err) {
        throw createFailureOnAttempt(err, attempt);
      }
    },

    /** Asks the gateway for the payment's status, by reference or, after an ambiguous create, by idempotency key. */
    async checkGatewayPayment(gatewayId: string, query: GatewayStatusQuery): Promise<StatusOutcome> {
      return withGateway(
        dataSource,
        keyring,
        gatewayId,
        configRead,
        async (ctx, gateway) => {
          const connector = registry.forGateway(gateway);
          const outcome = await overrideCheck(dataSource, connector.name, await connector.status(query, ctx));
          // A status answer is believed only as far as it agrees with the order's money, as a callback is.
          const order = outcome.kind === 'success' ? await orderMoneyOf(dataSource) : undefined;
          if (!order) return statusWithoutClaim(outcome);
          const checked = checkStatusAgainstOrder(
            outcome,
            order,
            amountUpdatePolicyOf(connector.amountUpdates, gateway.settings ?? {}),
          );
          if (checked.refusal) {
            log.warn('status answer refused against the order', { gatewayId, refusal: checked.refusal });
          }
          return checked.outcome;
        },
        query.at,
      );
    },
  };
}
