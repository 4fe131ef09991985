import { cleanUp } from '../../infra/process/cleanup';

/** Stops what globalSetup started, Temporal first, then PostgreSQL, each even if another fails to stop. */
export default async function globalTeardown(): Promise<void> {
  await cleanUp((globalThis as { __paystarStops?: Array<() => Promise<void>> }).__paystarStops ?? []);
}
