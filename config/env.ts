import { z } from 'zod';
import { Keyring } from '../infra/security/keyring';

/**
 * Every process parses its configuration once, at boot, from these schemas; a missing or bad value stops it
 * with a message naming the variable. This file is the one place where environment variable names live.
 */

const port = z.coerce
  .number({ error: 'must be a port number (1-65535)' })
  .int('must be a port number (1-65535)')
  .min(1, 'must be a port number (1-65535)')
  .max(65535, 'must be a port number (1-65535)');
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// connection URL, e.g. postgres://user:pass@host:5432/db');
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');
const secret = (what: string) => z.string().min(16, `${what} must be at least 16 characters`);
/**
 * The master keys (`id:base64key[,id:base64key…]`, 32-byte keys, the first encrypts, all decrypt): the card
 * vault's data keys, secrets at rest and Temporal payloads are encrypted under them. See docs/card-vault.md.
 */
const masterKeys = z.string().superRefine((value, ctx) => {
  try {
    Keyring.parse(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `must be id:base64key[,id:base64key…]: ${(err as Error).message}` });
  }
});

/** Where to find Temporal, shared by every process that talks to it. */
export const TemporalEnv = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port, e.g. localhost:7233')
    .default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TASK_QUEUE: z.string().min(1).default('payments'),
});

/** `npm run api` */
export const ApiEnv = TemporalEnv.extend({
  DATABASE_URL: postgresUrl,
  PORT: port.default(3000),
  LOG_LEVEL: logLevel,
  /** Operators' credential for the admin API. */
  ADMIN_KEY: secret('ADMIN_KEY').optional(),
  /** Key of the keyed hash (HMAC-SHA256) of card numbers; changing it makes card black-list entries unmatchable. */
  SECRETS_KEY: z.string().min(32, 'SECRETS_KEY must be at least 32 characters'),
  MASTER_KEYS: masterKeys,
  /**
   * Origins allowed to call the codec server (/codec/encode, /codec/decode) from a browser: the Temporal Web UI's,
   * comma-separated, e.g. http://localhost:8233. Unset: no cross-origin access.
   */
  CODEC_CORS_ORIGINS: z.string().min(1).optional(),
  /** Credential in the path of the header-less codec endpoint /codec/t/<token> (a Temporal UI without login). */
  CODEC_URL_TOKEN: secret('CODEC_URL_TOKEN').optional(),
  /** How long a hosted payment form waits for a card, in seconds (docs/payment-page.md). Unset: 30 minutes. */
  PAYFORM_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(86_400).optional(),
  /**
   * How many cards a payer on the hosted form may try when the bank declines them, the first included
   * (docs/payment-page.md). Unset: 3; 1: no other card after a decline.
   */
  PAYFORM_CARD_TRIES: z.coerce.number().int().min(1).max(5).optional(),
  /** The Temporal Web UI's address as operators' browsers reach it, e.g. http://localhost:8233 (docs/temporal-web-ui.md). */
  TEMPORAL_UI_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How many days an export's file is kept after it was written (docs/reports.md). Unset: 7. */
  EXPORT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).optional(),
});
export type ApiConfig = z.infer<typeof ApiEnv>;

/** `npm run worker` */
export const WorkerEnv = TemporalEnv.extend({
  DATABASE_URL: postgresUrl,
  LOG_LEVEL: logLevel,
  /** How many workflow and activity tasks one worker runs at once. */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().positive().default(100),
  /**
   * Whether merchant callbacks may go to loopback and private networks. Off in production (a callback URL must not
   * reach our own infrastructure); `npm start` turns it on for merchant endpoints on localhost.
   */
  MERCHANT_CALLBACKS_ALLOW_PRIVATE_NETWORKS: z.stringbool({ error: 'must be true or false' }).default(false),
  /**
   * A workflow bundle built beforehand (bundleWorkflowCode): the worker starts without spending seconds bundling,
   * and every worker of a deployment runs the same code. Unset: the worker bundles workflows/ itself.
   */
  WORKFLOW_BUNDLE: z.string().min(1).optional(),
  MASTER_KEYS: masterKeys,
});
export type WorkerConfig = z.infer<typeof WorkerEnv>;

/** `npm run migrate` */
export const MigrateEnv = z.object({ DATABASE_URL: postgresUrl });

/** `npm run record-histories`: the keys of the payloads it reads (unset: the development keyring). */
export const RecordHistoriesEnv = z.object({ MASTER_KEYS: masterKeys.optional() });

/** `npm run rewrap-keys`: brings everything encrypted at rest under the first of MASTER_KEYS. */
export const RewrapEnv = z.object({ DATABASE_URL: postgresUrl, MASTER_KEYS: masterKeys });

/** `npm start`: what it starts itself unless told where the real thing is. */
export const StartEnv = z.object({
  DATABASE_URL: postgresUrl.optional(),
  TEMPORAL_ADDRESS: TemporalEnv.shape.TEMPORAL_ADDRESS.unwrap().optional(),
  TEMPORAL_NAMESPACE: TemporalEnv.shape.TEMPORAL_NAMESPACE,
  TASK_QUEUE: TemporalEnv.shape.TASK_QUEUE,
  PORT: port.default(3000),
  LOG_LEVEL: logLevel,
  DATA_DIR: z.string().min(1).optional(),
  EMBEDDED_PG_PORT: port.default(54329),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  DEMO_DEPOSIT_KEY: secret('DEMO_DEPOSIT_KEY').optional(),
  DEMO_PAYOUT_KEY: secret('DEMO_PAYOUT_KEY').optional(),
  ADMIN_KEY: secret('ADMIN_KEY').optional(),
  SECRETS_KEY: z.string().min(32, 'SECRETS_KEY must be at least 32 characters').optional(),
  /** Unset: the development keyring (DEV_MASTER_KEYS), for a local demo only. */
  MASTER_KEYS: masterKeys.optional(),
});
export type StartConfig = z.infer<typeof StartEnv>;

/** Thrown by {@link loadConfig}; its message names each bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment with a schema, or throws a {@link ConfigError} that names each bad variable. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const message =
      issue.code === 'invalid_type' && env[name] === undefined ? 'is required but not set' : issue.message;
    return `  ${name}: ${message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** Boot helper for entry points: print the configuration error and exit 1 instead of a stack trace. */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
