import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../infra/paths';

/**
 * The web application's request and answer types are generated from the API's own OpenAPI document
 * (scripts/web-client.ts): one source of truth. The committed file must be what the generator makes of the
 * document today; `npm run web:client` rewrites it after an API change.
 */
const run = promisify(execFile);
const committed = path.join(PROJECT_ROOT, 'web/src/api/openapi.d.ts');
const check = (file: string) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/web-client.ts', '--check'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, WEB_CLIENT_TYPES: file },
  }).then(
    () => 'current',
    (err: { stderr?: string }) => `stale: ${err.stderr ?? ''}`,
  );

test('the committed client types are generated from the current OpenAPI document', async () => {
  expect(await check(committed)).toBe('current');
});

test('client types that miss an endpoint of the document are reported stale', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'web-client-'));
  try {
    const copy = path.join(dir, 'openapi.d.ts');
    const text = readFileSync(committed, 'utf8');
    expect(text).toContain('"/api/v1/portal/blacklist": {');
    writeFileSync(copy, text.replace('"/api/v1/portal/blacklist": {', '"/api/v1/portal/blocklist": {'));
    expect(await check(copy)).toMatch(/^stale: .*is stale: run npm run web:client/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
