/**
 * Two tiers (README, "Tests"): `fast` needs no service (unit tests, workflow logic with in-memory activities) and
 * runs alone with `npm run test:fast`; `services` gets PostgreSQL, a Temporal dev server and a workflow bundle from
 * its globalSetup, which Jest runs only when a test of that project is selected. `npm test` runs both.
 */
const shared = {
  testEnvironment: '<rootDir>/test/setup/quiet-environment.js',
  setupFiles: ['<rootDir>/test/setup/hold-logs.ts'],
  rootDir: __dirname,
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
    // otplib's crypto and base32 dependencies ship as ES modules only: compiled to CommonJS for Jest.
    '/node_modules/@(scure|noble)/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@(scure|noble)/)'],
};
const FAST = ['<rootDir>/test/unit/', '<rootDir>/test/fast/'];

module.exports = {
  testTimeout: 120000,
  // Three on two cores: test files spend part of their time waiting (processes starting, browsers, timers), which a
  // third worker fills; measured 631 s with two, 547 s with three (README, "Tests").
  maxWorkers: 3,
  testSequencer: '<rootDir>/test/setup/longest-first-sequencer.js',
  reporters: ['default', '<rootDir>/test/setup/closing-line-reporter.js'],
  projects: [
    { ...shared, displayName: 'fast', roots: FAST, testMatch: ['**/*.test.ts'] },
    {
      ...shared,
      displayName: 'services',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: FAST,
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
