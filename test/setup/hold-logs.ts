import { format } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Runs in every test file: console output and the Temporal SDK's log go to the buffer of quiet-environment.js,
 * shown only when a test fails. The SDK logs at INFO so a failure's log is complete; nothing of it reaches the
 * terminal on success.
 */
const held = (globalThis as { __heldLogs?: string[] }).__heldLogs;
if (held) {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[level] = (...args: unknown[]) => void held.push(`[${level}] ${format(...args)}`);
  }
  Runtime.install({
    logger: new DefaultLogger('INFO', ({ level, message, meta }) => {
      held.push(`[sdk ${level}] ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`);
    }),
    // The core writes to stderr by itself (forwarding it keeps a jest worker alive); its only warning in tests is
    // the test servers' missing heartbeat capability, expected there, so it shows errors only.
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
}
