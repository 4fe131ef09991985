import type { MigrationInterface } from 'typeorm';
import { MoneyModes1764400000000 } from '../migrations/1764400000000-money-modes';
import { PublicKeyPrefixes1764400000001 } from '../migrations/1764400000001-public-key-prefixes';
import { AuthFailures1764400000002 } from '../migrations/1764400000002-auth-failures';
import { UnauthenticatedTraffic1764400000003 } from '../migrations/1764400000003-unauthenticated-traffic';

/**
 * Issue 20's migrations: sandbox and live money apart, key prefixes without secret characters, the counters of
 * failed authentication, what unauthenticated traffic did to each order. They run after every table they touch exists.
 */
export const HARDENING_MIGRATIONS: Array<new () => MigrationInterface> = [
  MoneyModes1764400000000,
  PublicKeyPrefixes1764400000001,
  AuthFailures1764400000002,
  UnauthenticatedTraffic1764400000003,
];
