import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ORDER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { ProvisioningError, type Resolved } from '../provisioning/routes';
import { CLI_ADVICE, resolveTemporalCli } from '../provisioning/temporal-cli';
import type { EphemeralServerExecutable } from '@temporalio/testing';

/** A Temporal dev server (CLI `server start-dev`) that this process started. */
export interface RunningDevServer {
  address: string;
  uiUrl: string | undefined;
  provisioning: Resolved<EphemeralServerExecutable>;
  stop(): Promise<void>;
}

/**
 * Starts the Temporal CLI dev server through the SDK (which also covers the download route), with the order
 * search attributes registered. Without `dbFilename` its state lives in memory.
 */
export async function startTemporalDevServer(opts: {
  port: number;
  uiPort?: number;
  dbFilename?: string;
  namespace?: string;
}): Promise<RunningDevServer> {
  const provisioning = await resolveTemporalCli();
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: provisioning.value,
        ip: '127.0.0.1',
        port: opts.port,
        ui: opts.uiPort !== undefined,
        uiPort: opts.uiPort,
        dbFilename: opts.dbFilename,
        namespace: opts.namespace ?? 'default',
        searchAttributes: ORDER_SEARCH_ATTRIBUTES,
        log: { format: 'pretty', level: 'warn' },
      },
    });
  } catch (err) {
    const outcome = err instanceof Error ? err.message : String(err);
    throw new ProvisioningError(
      'the Temporal dev server',
      [
        ...provisioning.tried,
        { route: provisioning.route, outcome: `chosen, but the server did not start: ${outcome}` },
      ],
      CLI_ADVICE,
    );
  }
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort !== undefined ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    provisioning,
    stop: () => env.teardown(),
  };
}
