import type { DataSource } from 'typeorm';
import type { KeyMode } from '../domain/order';
import { isUuid } from '../domain/ids';
import { GatewayEntity } from '../entities/gateway.entity';
import type { Keyring } from '../infra/security/keyring';
import { decryptSecretSettings } from '../infra/security/secrets-at-rest';
import type { Queryable } from './ledger';

/**
 * The one module that writes `gateways` (docs/data-ownership.md), for the admin API and `npm run rewrap-keys`, and
 * reads a gateway's row for the gateway activities and the API's callback route (gateways/callback-verification.ts).
 * Settings reach it already encrypted (secrets at rest).
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

/** A new gateway's id. */
export async function insertGateway(
  db: Queryable,
  g: {
    code: string;
    name: string;
    connector: string;
    mode: KeyMode;
    enabled: boolean;
    settings: Record<string, unknown>;
  },
): Promise<string> {
  const [row]: Array<{ id: string }> = await db.query(
    `INSERT INTO gateways (code, name, connector, mode, enabled, settings)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [g.code, g.name, g.connector, g.mode, g.enabled, JSON.stringify(g.settings)],
  );
  return row!.id;
}

export async function updateGateway(
  db: Queryable,
  id: string,
  g: { name: string; enabled: boolean; settings: Record<string, unknown> },
): Promise<void> {
  await db.query(`UPDATE gateways SET name = $2, enabled = $3, settings = $4 WHERE id = $1`, [
    id,
    g.name,
    g.enabled,
    JSON.stringify(g.settings),
  ]);
}

/** Replaces stored settings by their re-encryption, only if nobody changed them meanwhile. */
export async function resealGatewaySettings(
  db: Queryable,
  id: string,
  stored: Record<string, unknown>,
  next: Record<string, unknown>,
): Promise<void> {
  await db.query(`UPDATE gateways SET settings = $3 WHERE id = $1 AND settings = $2::jsonb`, [
    id,
    JSON.stringify(stored),
    JSON.stringify(next),
  ]);
}
