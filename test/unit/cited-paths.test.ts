import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Comments and docs name files of the repository (`docs/reports.md`, `activities/gateway.ts`, …) so a reader can
 * follow them; a name left behind by a move or a rename sends that reader nowhere. Every such name must exist.
 */
const ROOT = path.resolve(__dirname, '../..');
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.cache', 'dist', 'coverage', 'histories']);
const READ = /\.(ts|tsx|js|md)$/;
const GENERATED = new Set(['web/src/api/openapi.d.ts']);
const TOP =
  'docs|activities|api|workflows|workers|entities|data|domain|infra|gateways|simulation|scripts|test|bench|chaos|vault|config|web/src';
// Longer extensions first, so `x.tsx` is not read as `x.ts`; a name must not continue past its extension.
const CITED = new RegExp(`(?<![\\w./-])((?:${TOP})/[\\w./-]+?\\.(?:tsx|ts|md|json|js|yaml|yml))(?![\\w-])`, 'g');

function sourceFiles(dir = ''): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(rel);
    return READ.test(entry.name) && !GENERATED.has(rel) ? [rel] : [];
  });
}

test('every file a comment or a doc names exists', () => {
  const missing: string[] = [];
  for (const file of sourceFiles()) {
    for (const [, cited] of readFileSync(path.join(ROOT, file), 'utf8').matchAll(CITED)) {
      if (!existsSync(path.join(ROOT, cited!))) missing.push(`${file} names ${cited}`);
    }
  }
  expect(missing).toEqual([]);
});
