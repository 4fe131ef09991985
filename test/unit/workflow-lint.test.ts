import path from 'node:path';
import { ESLint } from 'eslint';
import { PROJECT_ROOT } from '../../infra/paths';

/** The determinism guard is a lint rule; these tests make sure it really bites. */
async function lintWorkflowSource(code: string): Promise<string[]> {
  // The project's own config, passed in: ESLint would load the file with import(), which jest's VM refuses.
  const eslint = new ESLint({
    cwd: PROJECT_ROOT,
    overrideConfigFile: true,
    overrideConfig: (
      (await import(path.join(PROJECT_ROOT, 'eslint.config.js'))) as { default: ESLint.Options['overrideConfig'] }
    ).default,
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(PROJECT_ROOT, 'workflows', 'example.ts') });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint keeps workflows deterministic', () => {
  test.each([
    ["import { createActivities } from '../activities';", 'value import of activities'],
    ["import { OrderEntity } from '../entities/order.entity';", 'entities'],
    ["import { createApp } from '../api/app';", 'api code'],
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
