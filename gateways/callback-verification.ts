import type { DataSource } from 'typeorm';
import { CODES } from '../domain/history-codes';
import type { AmountUpdatePolicy, CallbackVerification, RawGatewayCallback } from '../domain/gateway-contract';
import { loadGateway } from '../data/gateways';
import type { Keyring } from '../infra/security/keyring';
import { amountUpdatePolicyOf } from './amount-updates';
import { overrideCallback } from './answer-overrides';
import { GatewayMisconfiguredError, type GatewayRegistry } from './connector';

/**
 * Verifies a callback a gateway POSTed to the engine (signature, then payload) and maps it to a history code. Not
 * an activity: the HTTP layer calls it, then signals the order's workflow. The clock is the wall clock here.
 * Throws UnknownGatewayError for a gateway id that does not exist. The keyring decrypts the gateway's credentials.
 */
export async function verifyGatewayCallback(
  dataSource: DataSource,
  registry: GatewayRegistry,
  gatewayId: string,
  raw: RawGatewayCallback,
  keyring?: Keyring,
): Promise<CallbackVerification> {
  return (await verifyGatewayCallbackOf(dataSource, registry, gatewayId, raw, keyring)).verification;
}

/**
 * {@link verifyGatewayCallback}, with the amount-update policy of the gateway (its connector's, narrowed by its
 * settings) for checking the callback against the order. A live gateway row naming a sandbox-only connector
 * verifies nothing: its callbacks are refused as badly signed.
 */
export async function verifyGatewayCallbackOf(
  dataSource: DataSource,
  registry: GatewayRegistry,
  gatewayId: string,
  raw: RawGatewayCallback,
  keyring?: Keyring,
): Promise<{ verification: CallbackVerification; amountUpdates: AmountUpdatePolicy | undefined }> {
  const gateway = await loadGateway(dataSource, gatewayId, keyring);
  let connector;
  try {
    connector = registry.forGateway(gateway);
  } catch (err) {
    if (!(err instanceof GatewayMisconfiguredError)) throw err;
    return { verification: { valid: false, code: CODES.CALLBACK_INVALID_SIGNATURE }, amountUpdates: undefined };
  }
  // An operator's override of the PSP's answer (gateways/answer-overrides.ts) applies to callbacks too.
  const verification = await overrideCallback(
    dataSource,
    connector.name,
    await connector.verifyCallback(raw, { gateway, now: new Date() }),
  );
  return { verification, amountUpdates: amountUpdatePolicyOf(connector.amountUpdates, gateway.settings ?? {}) };
}
