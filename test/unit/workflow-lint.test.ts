import path from 'node:path';
import { ESLint } from 'eslint';
import { PROJECT_ROOT } from '../../infra/paths';

/**
 * The determinism guard, the data/ boundary and no-floating-promises are lint rules; these tests make sure they really
 * bite. Sources are linted as if they were an existing file's text (type-aware rules need a file of the project).
 * Only the no-floating-promises tests pay for type information: the others lint without the type-aware block.
 */
type FlatConfig = Array<{ rules?: Record<string, unknown> }>;
const TYPE_AWARE_RULE = '@typescript-eslint/no-floating-promises';

async function lintWorkflowSource(
  code: string,
  file = path.join('workflows', 'order.ts'),
  typeAware = false,
): Promise<string[]> {
  // The project's own config, passed in: ESLint would load the file with import(), which jest's VM refuses.
  const config = ((await import(path.join(PROJECT_ROOT, 'eslint.config.js'))) as { default: FlatConfig }).default;
  const eslint = new ESLint({
    cwd: PROJECT_ROOT,
    overrideConfigFile: true,
    overrideConfig: (typeAware
      ? config
      : config.filter((block) => !block.rules?.[TYPE_AWARE_RULE])) as ESLint.Options['overrideConfig'],
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(PROJECT_ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint keeps workflows deterministic', () => {
  test.each([
    ["import { createActivities } from '../activities';", 'value import of activities'],
    ["import { OrderEntity } from '../entities/order.entity';", 'entities'],
    ["import { createApp } from '../api/app';", 'api code'],
    ["import { insertOrder } from '../data/order-store';", 'the table owners of data/'],
    ["import { readFileSync } from 'node:fs';", 'a Node built-in'],
    ["import crypto from 'crypto';", 'a Node built-in without the node: prefix'],
    ["import { DataSource } from 'typeorm';", 'an I/O library'],
  ])('refuses %s (%s)', async (line) => {
    const imported = /import \{? ?(\w+)/.exec(line)![1];
    const messages = await lintWorkflowSource(`${line}\nexport const x = [${imported}];\n`);
    expect(messages.some((m) => m.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
  });

  test('allows type-only imports of activities and value imports of domain code', async () => {
    const messages = await lintWorkflowSource(
      "import type { Activities } from '../activities';\nimport { CODES } from '../domain/history-codes';\n" +
        'export type A = Activities;\nexport const c = CODES.CREATED;\n',
    );
    expect(messages).toEqual([]);
  });

  test('refuses process.env in workflow code', async () => {
    const messages = await lintWorkflowSource('export const url = process.env.GATEWAY_URL;\n');
    expect(messages.some((m) => m.startsWith('no-restricted-globals'))).toBe(true);
  });
});

describe('lint keeps promises awaited in workflows and activities (type-aware)', () => {
  const floating = 'async function step(): Promise<void> {}\nexport function run(): void {\n  step();\n}\n';

  test.each([path.join('workflows', 'order.ts'), path.join('activities', 'index.ts')])(
    'refuses a floating promise in %s',
    async (file) => {
      const messages = await lintWorkflowSource(floating, file, true);
      expect(messages.some((m) => m.startsWith('@typescript-eslint/no-floating-promises'))).toBe(true);
    },
  );

  test('accepts the same promise awaited', async () => {
    const awaited =
      'async function step(): Promise<void> {}\nexport async function run(): Promise<void> {\n  await step();\n}\n';
    expect(await lintWorkflowSource(awaited, path.join('activities', 'index.ts'), true)).toEqual([]);
  });
});

describe('lint keeps the API on the shared data/ boundary', () => {
  test('refuses an API import of activity internals', async () => {
    const messages = await lintWorkflowSource(
      "import { gatewayActivities } from '../../activities/gateway';\nexport const g = gatewayActivities;\n",
      path.join('api', 'routes', 'example.ts'),
    );
    expect(messages.some((m) => m.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
  });

  test('allows the API to use data/', async () => {
    const messages = await lintWorkflowSource(
      "import { insertOrder } from '../../data/order-store';\nexport const i = insertOrder;\n",
      path.join('api', 'routes', 'example.ts'),
    );
    expect(messages).toEqual([]);
  });
});
