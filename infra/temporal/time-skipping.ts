import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ProvisioningError } from '../provisioning/routes';
import { resolveTestServer, TEST_SERVER_ADVICE } from '../provisioning/test-server';

/** Starts Temporal's time-skipping test server, provisioned by the project's routes. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const provisioning = await resolveTestServer();
  try {
    return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: provisioning.value } });
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
}
