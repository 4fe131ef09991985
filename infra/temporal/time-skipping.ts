import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { devKeyring, type Keyring } from '../security/keyring';
import { ORDER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { ProvisioningError } from '../provisioning/routes';
import { resolveTestServer, TEST_SERVER_ADVICE } from '../provisioning/test-server';
import { encryptedDataConverter } from './payload-codec';

/**
 * Starts Temporal's time-skipping test server, provisioned by the project's routes, with the order search
 * attributes registered (the workflows set them, and the server refuses undeclared ones). Its client encrypts
 * payloads under the keyring (the development one unless given), as workers on it must.
 */
export async function createTimeSkippingEnv(keyring: Keyring = devKeyring()): Promise<TestWorkflowEnvironment> {
  const provisioning = await resolveTestServer();
  let env: TestWorkflowEnvironment;
  try {
    env = await startWithRetries(() =>
      TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: provisioning.value },
        client: { dataConverter: encryptedDataConverter(keyring) },
      }),
    );
  } catch (err) {
    const outcome = err instanceof Error ? err.message : String(err);
    throw new ProvisioningError(
      'the Temporal time-skipping test server',
      [
        ...provisioning.tried,
        { route: provisioning.route, outcome: `chosen, but the server did not start: ${outcome}` },
      ],
      TEST_SERVER_ADVICE,
    );
  }
  try {
    await registerSearchAttributes(env);
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}

/**
 * The SDK gives the Java server a fixed 5 s to listen; on a loaded machine (a CI box running two test files and a
 * webpack bundle at once) the JVM can take longer. A start that timed out is tried again on a new port.
 */
async function startWithRetries(start: () => Promise<TestWorkflowEnvironment>): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      const slowStart = err instanceof Error && /did not start within/.test(err.message);
      if (!slowStart || attempt === START_ATTEMPTS) throw err;
    }
  }
}
const START_ATTEMPTS = 4;

async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const byName = Object.fromEntries(
    ORDER_SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
  );
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: byName,
  });
}
