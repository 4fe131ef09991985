// Workflow code must stay deterministic: no Node built-ins, no I/O libraries and no value imports of
// activities, entities, api or gateway code (type-only imports are fine). Lint enforces it so nobody has to remember.
const { builtinModules } = require('node:module');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');
const globals = require('globals');

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.cache/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Every workflow definition, the simulation's helper and the replay suite's variants included.
    files: ['workflows/**/*.ts', 'simulation/workflows/**/*.ts', 'test/replay/*-workflows/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch', 'require'],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows are deterministic: no Node built-ins.' })),
          patterns: [
            {
              allowTypeImports: true,
              group: [
                '**/activities',
                '**/activities/**',
                '**/entities',
                '**/entities/**',
                '**/data',
                '**/data/**',
                '**/api',
                '**/api/**',
                '**/gateways',
                '**/gateways/**',
                '**/infra/**',
                '**/config/**',
                'typeorm',
                'pg',
                'express',
                'pino',
                'pino-http',
                '@temporalio/activity',
                '@temporalio/client',
                '@temporalio/worker',
              ],
              message: 'Workflows may value-import only @temporalio/workflow, workflows/ and domain/ (pure code).',
            },
          ],
        },
      ],
    },
  },
  {
    // The API and the activities share data/ (the table owners, docs/data-ownership.md), never each other's internals.
    files: ['api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities', '**/activities/**'],
              message: 'The API uses data/ (the shared table owners), not activity internals.',
            },
          ],
        },
      ],
    },
  },
  {
    // A promise nobody awaits is a step that may run after the code that should wait for it (type-aware).
    files: ['workflows/**/*.ts', 'activities/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // The web application runs in browsers (docs/web-app.md): their globals, not Node's.
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, process: 'off', require: 'off', __dirname: 'off' } },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
