import type { MigrationInterface } from 'typeorm';
import { PayformActivity1764700000015 } from '../migrations/1764700000015-payform-activity';
import { PayformRefusals1764500000015 } from '../migrations/1764500000015-payform-refusals';

/** Issue 15's migrations (the hosted payment page); they run after the hardening ones. */
export const PAYFORM_MIGRATIONS: Array<new () => MigrationInterface> = [
  PayformRefusals1764500000015,
  PayformActivity1764700000015,
];
