/**
 * The servers a test run shares, started once by globalSetup and stopped by globalTeardown: a fresh embedded
 * PostgreSQL (migrated) and a Temporal dev server. Test files read where they are from the environment.
 */
export const TEST_DATABASE_URL = 'PAYSTAR_TEST_DATABASE_URL';
export const TEST_TEMPORAL_ADDRESS = 'PAYSTAR_TEST_TEMPORAL_ADDRESS';
export const TEST_WORKFLOW_BUNDLE = 'PAYSTAR_TEST_WORKFLOW_BUNDLE';

/** A variable globalSetup must have set. */
export function fromSetup(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\` (jest's globalSetup sets it)`);
  return value;
}
