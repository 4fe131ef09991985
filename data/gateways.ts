import type { DataSource } from 'typeorm';
import { isUuid } from '../domain/ids';
import { GatewayEntity } from '../entities/gateway.entity';
import type { Keyring } from '../infra/security/keyring';
import { decryptSecretSettings } from '../infra/security/secrets-at-rest';

/**
 * Reading a gateway's row, for the gateway activities and for the API's callback route (gateways/callback-verification.ts).
 * The admin API (api/admin/gateways.ts) owns the table's writes (docs/data-ownership.md).
 */

/** A gateway id nobody configured; the HTTP layer answers 404, activities fail without retrying. */
export class UnknownGatewayError extends Error {
  override readonly name = 'UnknownGatewayError';
}

/** The gateway row, its credentials decrypted (secrets at rest) when a keyring is given. */
export async function loadGateway(
  dataSource: DataSource,
  gatewayId: string,
  keyring?: Keyring,
): Promise<GatewayEntity> {
  // Ids come from URLs too: anything that is not a uuid is simply unknown, not a database error.
  const gateway = isUuid(gatewayId) ? await dataSource.getRepository(GatewayEntity).findOneBy({ id: gatewayId }) : null;
  if (!gateway) throw new UnknownGatewayError(`gateway ${gatewayId}`);
  if (keyring) gateway.settings = decryptSecretSettings(keyring, gateway.settings ?? {});
  return gateway;
}
