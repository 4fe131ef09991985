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

/** The project's files an entry point imports, directly or not (relative imports, resolved as Node resolves them). */
function importedFrom(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const resolve = (from: string, spec: string) =>
    [`${spec}.ts`, `${spec}/index.ts`, spec]
      .map((candidate) => path.normalize(path.join(path.dirname(from), candidate)))
      .find((candidate) => candidate.endsWith('.ts') && ts.sys.fileExists(path.join(PROJECT_ROOT, candidate)));
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const { importedFiles } = ts.preProcessFile(ts.sys.readFile(path.join(PROJECT_ROOT, file))!, true, true);
    for (const { fileName } of importedFiles) {
      const next = fileName.startsWith('.') ? resolve(file, fileName) : undefined;
      if (next) visit(next.split(path.sep).join('/'));
    }
  };
  entries.forEach(visit);
  return seen;
}

test('what the production entry points import is all in the build', () => {
  const built = new Set(buildFiles());
  const imported = [
    ...importedFrom(['api/main.ts', 'workers/main.ts', 'scripts/migrate.ts', 'scripts/rewrap-keys.ts']),
  ];
  expect(imported.length).toBeGreaterThan(50);
  expect(imported.filter((f) => !built.has(f))).toEqual([]);
});
