import type { MigrationInterface } from 'typeorm';
import { MerchantCallbackDeliveryEntity } from '../merchant-callback-delivery.entity';
import { MerchantCallbacks1763800000001 } from '../migrations/1763800000001-merchant-callbacks';

/** Entities and migrations of merchant callback delivery. */
export const MERCHANT_CALLBACK_ENTITIES: Array<new () => unknown> = [MerchantCallbackDeliveryEntity];
export const MERCHANT_CALLBACK_MIGRATIONS: Array<new () => MigrationInterface> = [MerchantCallbacks1763800000001];
