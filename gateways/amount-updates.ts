import type { AmountUpdatePolicy } from '../domain/gateway-contract';

/** The connector's policy, narrowed by the gateway's `amountUpdateTolerancePercent` setting when it has one. */
export function amountUpdatePolicyOf(
  connectorPolicy: AmountUpdatePolicy | undefined,
  settings: Record<string, unknown>,
): AmountUpdatePolicy | undefined {
  if (!connectorPolicy) return undefined;
  const narrowed = settings['amountUpdateTolerancePercent'];
  if (typeof narrowed !== 'number' || !Number.isFinite(narrowed) || narrowed < 0) return connectorPolicy;
  const tolerancePercent = Math.min(narrowed, connectorPolicy.tolerancePercent);
  return tolerancePercent === 0 ? undefined : { ...connectorPolicy, tolerancePercent };
}
