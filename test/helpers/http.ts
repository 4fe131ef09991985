import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { createApp } from '../../api/app';
import { type AuthFailureLimits, DEFAULT_AUTH_FAILURE_LIMITS } from '../../api/auth-failures';
import { connectTemporal } from '../../api/temporal-connections';
import { devKeyring, type Keyring } from '../../infra/security/keyring';

/** The API on an ephemeral loopback port, with its log lines captured so tests can read them. */
/** The key of card fingerprints in tests (tests compute fingerprints with it to check matches). */
export const TEST_SECRETS_KEY = 'test-secrets-key-0123456789abcdef0123456789';

/** The Temporal Web UI origin test APIs let call their codec server. */
export const TEST_UI_ORIGIN = 'http://localhost:8233';

/** The bootstrap admin key of test APIs. */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export async function startApi(deps: {
  dataSource: DataSource;
  temporalAddress: string;
  taskQueue?: string;
  /** null: an API without a bootstrap admin key. */
  adminKey?: string | null;
  authFailureLimits?: Partial<AuthFailureLimits>;
  /** The master keys; the development keyring when absent. */
  keyring?: Keyring;
  /** The header-less codec endpoint's token (/codec/t/<token>); none when absent. */
  codecUrlToken?: string;
  /** Origins allowed to call the codec server; {@link TEST_UI_ORIGIN} when absent. */
  codecCorsOrigins?: string[];
  /** The hosted payment form's lifetime for the orders this API creates; the workflow's default when absent. */
  payformLifetimeMs?: number;
  /** The Temporal Web UI operators' order pages link to; none when absent. */
  temporalUiUrl?: string;
}) {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const keyring = deps.keyring ?? devKeyring();
  const temporal = connectTemporal(deps.temporalAddress, 'default', keyring);
  const server = createApp({
    dataSource: deps.dataSource,
    temporal,
    logger: pino({ level: 'info' }, sink),
    taskQueue: deps.taskQueue ?? 'payments',
    secretsKey: TEST_SECRETS_KEY,
    adminKey: deps.adminKey === null ? undefined : (deps.adminKey ?? TEST_ADMIN_KEY),
    // Every test API counts failed authentications of its own: tests share the loopback address and the database.
    authFailureLimits: { ...DEFAULT_AUTH_FAILURE_LIMITS, namespace: `${randomUUID()}:`, ...deps.authFailureLimits },
    keyring,
    codecCorsOrigins: deps.codecCorsOrigins ?? [TEST_UI_ORIGIN],
    codecUrlToken: deps.codecUrlToken,
    payformLifetimeMs: deps.payformLifetimeMs,
    temporalUiUrl: deps.temporalUiUrl,
  }).listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    logLines,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await temporal.close();
    },
  };
}
