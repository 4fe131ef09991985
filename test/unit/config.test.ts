import { ApiEnv, ConfigError, loadConfig, StartEnv, WorkerEnv } from '../../config/env';
import { DEV_MASTER_KEYS } from '../../infra/security/keyring';

describe('configuration', () => {
  test('defaults apply when only the required variables are set', () => {
    const secretsKey = 'k'.repeat(32);
    expect(
      loadConfig(ApiEnv, {
        DATABASE_URL: 'postgres://u:p@db:5432/paystar',
        SECRETS_KEY: secretsKey,
        MASTER_KEYS: DEV_MASTER_KEYS,
      }),
    ).toEqual({
      DATABASE_URL: 'postgres://u:p@db:5432/paystar',
      SECRETS_KEY: secretsKey,
      MASTER_KEYS: DEV_MASTER_KEYS,
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'default',
      TASK_QUEUE: 'payments',
      PORT: 3000,
      LOG_LEVEL: 'info',
    });
    expect(loadConfig(StartEnv, {})).toMatchObject({ PORT: 3000, TEMPORAL_UI_PORT: 8233, EMBEDDED_PG_PORT: 54329 });
  });

  test('master keys: required by the API and the worker, checked for id:base64 of 32 bytes', () => {
    expect(() => loadConfig(WorkerEnv, { DATABASE_URL: 'postgres://u:p@db/p' })).toThrow(
      /MASTER_KEYS: is required but not set/,
    );
    const short = `k1:${Buffer.alloc(16).toString('base64')}`;
    expect(() => loadConfig(WorkerEnv, { DATABASE_URL: 'postgres://u:p@db/p', MASTER_KEYS: short })).toThrow(
      /MASTER_KEYS: must be id:base64key.*32 bytes/,
    );
    const twice = `k1:${Buffer.alloc(32).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`;
    expect(() => loadConfig(WorkerEnv, { DATABASE_URL: 'postgres://u:p@db/p', MASTER_KEYS: twice })).toThrow(
      /appears twice/,
    );
    expect(loadConfig(StartEnv, {}).MASTER_KEYS).toBeUndefined();
  });

  test('a missing variable is named', () => {
    expect(() => loadConfig(WorkerEnv, {})).toThrow(ConfigError);
    expect(() => loadConfig(WorkerEnv, {})).toThrow(/DATABASE_URL: is required but not set/);
  });

  test('every bad value is named with what would be right', () => {
    let message = '';
    try {
      loadConfig(ApiEnv, {
        DATABASE_URL: 'mysql://nope',
        PORT: 'eighty',
        TEMPORAL_ADDRESS: 'no-port',
        LOG_LEVEL: 'loud',
        ADMIN_KEY: 'short',
        EXPORT_RETENTION_DAYS: '0',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ connection URL/);
    expect(message).toMatch(/PORT: must be a port number \(1-65535\)/);
    expect(message).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
    expect(message).toMatch(/LOG_LEVEL: /);
    expect(message).toMatch(/ADMIN_KEY: ADMIN_KEY must be at least 16 characters/);
    expect(message).toMatch(/EXPORT_RETENTION_DAYS: /);
  });

  test('an empty variable counts as unset', () => {
    expect(loadConfig(StartEnv, { DATABASE_URL: '', PORT: '' })).toMatchObject({ PORT: 3000 });
    expect(loadConfig(StartEnv, { DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});

describe('entry points', () => {
  test.each(['api/main.ts', 'workers/main.ts', 'scripts/migrate.ts', 'scripts/rewrap-keys.ts'])(
    '%s stops at boot with a message naming each bad variable',
    async (entry) => {
      const { spawnSync } = await import('node:child_process');
      const { PROJECT_ROOT } = await import('../../infra/paths');
      const run = spawnSync(process.execPath, ['--import', 'tsx', entry], {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH, DATABASE_URL: 'mysql://wrong', TEMPORAL_ADDRESS: 'nohost' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('Invalid configuration:');
      expect(run.stderr).toMatch(/DATABASE_URL: must be a postgres:\/\/ connection URL/);
      if (entry.includes('main.ts')) expect(run.stderr).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
    },
  );
});
