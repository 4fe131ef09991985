import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { AuthFailureEntity } from './auth-failure.entity';
import { CardVaultEntryEntity } from './card-vault-entry.entity';
import { GatewayEntity } from './gateway.entity';
import { LedgerPostingEntity } from './ledger-posting.entity';
import { MerchantBalanceEntity } from './merchant-balance.entity';
import { MerchantEntity } from './merchant.entity';
import { InitialSchema1763700000000 } from './migrations/1763700000000-initial-schema';
import { OrderGatewayRefs1763900000000 } from './migrations/1763900000000-order-gateway-refs';
import { OrderMode1763900000002 } from './migrations/1763900000002-order-mode';
import { OrderWorkflowRequisites1764100000000 } from './migrations/1764100000000-order-workflow-requisites';
import { MerchantApiOrders1763900000001 } from './migrations/1763900000001-merchant-api-orders';
import { OrderTruthModel1764200000010 } from './migrations/1764200000010-order-truth-model';
import { OrderReviewIndex1764200000020 } from './migrations/1764200000020-order-review-index';
import { OrderListIndexes1764700000050 } from './migrations/1764700000050-order-list-indexes';
import { RunningBalances1764700000200 } from './migrations/1764700000200-running-balances';
import { MaskCardHolders1764700000300 } from './migrations/1764700000300-mask-card-holders';
import { OrderListFilters1764800000000 } from './migrations/1764800000000-order-list-filters';
import { CallbackDeliveriesMerchant1764900000000 } from './migrations/1764900000000-callback-deliveries-merchant';
import { OrderGatewayRefEntity } from './order-gateway-ref.entity';
import { OrderHistoryEntity } from './order-history.entity';
import { OrderEntity } from './order.entity';
import { ACCOUNTS_ENTITIES, ACCOUNTS_MIGRATIONS } from './registry/accounts';
import { ADMIN_ENTITIES, ADMIN_MIGRATIONS } from './registry/admin';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from './registry/gateways';
import { MERCHANT_CALLBACK_ENTITIES, MERCHANT_CALLBACK_MIGRATIONS } from './registry/merchant-callbacks';
import { HARDENING_MIGRATIONS } from './registry/hardening';
import { ISSUES_ENTITIES, ISSUES_MIGRATIONS } from './registry/issues';
import {
  OPERATIONS_ENTITIES,
  OPERATIONS_MIGRATIONS,
  ROUTING_RULE_ENTITIES,
  ROUTING_RULE_MIGRATIONS,
} from './registry/operations';
import { PAYFORM_MIGRATIONS } from './registry/payform';
import { REPORT_ENTITIES, REPORT_MIGRATIONS } from './registry/reports';
import { VAULT_MIGRATIONS } from './registry/vault';
import { SandboxPaymentEntity } from './sandbox-payment.entity';
import { UnauthenticatedTrafficEntity } from './unauthenticated-traffic.entity';

/**
 * Every table, one entity each, exactly as the migrations build it (docs/schema.md; test/integration/schema-truth.test.ts
 * proves it).
 */
export const ENTITIES = [
  MerchantEntity,
  ApiKeyEntity,
  GatewayEntity,
  OrderEntity,
  OrderHistoryEntity,
  OrderGatewayRefEntity,
  LedgerPostingEntity,
  MerchantBalanceEntity,
  SandboxPaymentEntity,
  CardVaultEntryEntity,
  AuthFailureEntity,
  UnauthenticatedTrafficEntity,
  ...OPERATIONS_ENTITIES,
  ...MERCHANT_CALLBACK_ENTITIES,
  ...GATEWAY_ENTITIES,
  ...ADMIN_ENTITIES,
  ...ROUTING_RULE_ENTITIES,
  ...ACCOUNTS_ENTITIES,
  ...ISSUES_ENTITIES,
  ...REPORT_ENTITIES,
];

/** Migrations in the order they run. The schema changes only through these (never `synchronize`). */
export const MIGRATIONS = [
  InitialSchema1763700000000,
  ...OPERATIONS_MIGRATIONS,
  ...MERCHANT_CALLBACK_MIGRATIONS,
  ...GATEWAY_MIGRATIONS,
  OrderGatewayRefs1763900000000,
  MerchantApiOrders1763900000001,
  OrderMode1763900000002,
  ...ADMIN_MIGRATIONS,
  OrderWorkflowRequisites1764100000000,
  OrderTruthModel1764200000010,
  OrderReviewIndex1764200000020,
  ...VAULT_MIGRATIONS,
  ...HARDENING_MIGRATIONS,
  ...PAYFORM_MIGRATIONS,
  ...ROUTING_RULE_MIGRATIONS,
  ...ACCOUNTS_MIGRATIONS,
  OrderListIndexes1764700000050,
  ...ISSUES_MIGRATIONS,
  ...REPORT_MIGRATIONS,
  RunningBalances1764700000200,
  MaskCardHolders1764700000300,
  OrderListFilters1764800000000,
  CallbackDeliveriesMerchant1764900000000,
];

/** A DataSource for one process. The schema is owned by migrations; `synchronize` stays off. */
export function createDataSource(url: string, options: { poolSize?: number; applicationName?: string } = {}) {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    // gen_random_uuid(), as the migrations' uuid defaults (core PostgreSQL since 13).
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'paystar',
  });
}

/** Applies pending migrations and returns their names. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}
