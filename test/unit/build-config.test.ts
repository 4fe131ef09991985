import path from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../infra/paths';

/**
 * The production build (tsconfig.build.json → dist/, what the image runs) holds the API, the worker and the two
 * operational scripts, and none of the development tools: the simulator, the demo seeding of `npm start`, the
 * other scripts.
 */
function buildFiles(): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(PROJECT_ROOT, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  return parsed!.fileNames.map((f) => path.relative(PROJECT_ROOT, f).split(path.sep).join('/'));
}

test('the production build compiles the entry points the image runs', () => {
  expect(buildFiles()).toEqual(
    expect.arrayContaining(['api/main.ts', 'workers/main.ts', 'scripts/migrate.ts', 'scripts/rewrap-keys.ts']),
  );
});

test('the production build ships no simulation/, demo/, test/ or development scripts', () => {
  const shipped = buildFiles().filter(
    (f) =>
      /^(simulation|demo|test|bench|chaos)\//.test(f) ||
      (f.startsWith('scripts/') && !/^scripts\/(migrate|rewrap-keys)\.ts$/.test(f)),
  );
  expect(shipped).toEqual([]);
});

test('what the production entry points import is all in the build', () => {
  const files = buildFiles();
  const program = ts.createProgram(
    ['api/main.ts', 'workers/main.ts', 'scripts/migrate.ts', 'scripts/rewrap-keys.ts'].map((f) =>
      path.join(PROJECT_ROOT, f),
    ),
    { noEmit: true, types: ['node'], experimentalDecorators: true },
  );
  const imported = program
    .getSourceFiles()
    .map((s) => path.relative(PROJECT_ROOT, s.fileName).split(path.sep).join('/'))
    .filter((f) => !f.startsWith('..') && !f.includes('node_modules/'));
  expect(imported.filter((f) => !files.includes(f))).toEqual([]);
});
