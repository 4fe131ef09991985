import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Direction, KeyMode } from '../../domain/order';
import { ApiKeyEntity } from '../../entities/api-key.entity';
import { GatewayEntity } from '../../entities/gateway.entity';
import { MerchantEntity } from '../../entities/merchant.entity';
import { PipelineEntity } from '../../entities/pipeline.entity';
import { generateApiKey, hashApiKey, keyPrefix } from '../../infra/security/api-keys';

/**
 * The merchant fixtures of the tests, in one style: rows saved through their entities (which match the migrations,
 * docs/schema.md), each fresh so tests never see each other's rows. The richer set-ups (test/helpers/database.ts,
 * merchant-api-fixtures.ts, operations-fixtures.ts) are built from these.
 */

/** A fresh merchant's id. */
export async function createMerchant(ds: DataSource, name = `test merchant ${randomUUID()}`): Promise<string> {
  return (await ds.getRepository(MerchantEntity).save({ name })).id;
}

/** A pipeline of the merchant for one direction. */
export async function createPipeline(ds: DataSource, merchantId: string, direction: Direction): Promise<string> {
  const pipeline = await ds
    .getRepository(PipelineEntity)
    .save({ merchantId, direction, name: `pipeline ${randomUUID()}` });
  return pipeline.id;
}

/** A gateway (gateways are global, so the code is unique per call); live ones use a connector allowed for live. */
export async function createGateway(
  ds: DataSource,
  mode: KeyMode,
  name = `gw ${randomUUID()}`,
  connector = mode === 'live' ? 'http-sim' : 'sandbox',
): Promise<string> {
  const gateway = await ds
    .getRepository(GatewayEntity)
    .save({ code: `test-${randomUUID()}`, name, connector, mode, settings: {} });
  return gateway.id;
}

/** Keys of one merchant, by mode and scope, in clear (stored hashed). */
export type MerchantKeys = Record<KeyMode, Record<Direction, string>>;

/** A key of each scope in each of `modes` for the merchant. */
export async function createKeys<M extends KeyMode>(
  ds: DataSource,
  merchantId: string,
  modes: readonly M[] = ['sandbox', 'live'] as M[],
): Promise<Record<M, Record<Direction, string>>> {
  const keys = {} as Record<M, Record<Direction, string>>;
  for (const mode of modes) {
    keys[mode] = {} as Record<Direction, string>;
    for (const scope of ['deposit', 'payout'] as const) {
      const key = generateApiKey(scope, mode);
      await ds
        .getRepository(ApiKeyEntity)
        .save({ merchantId, scope, mode, keyPrefix: keyPrefix(key), keyHash: hashApiKey(key), revokedAt: null });
      keys[mode][scope] = key;
    }
  }
  return keys;
}
