/** Stops what globalSetup started, Temporal first, then PostgreSQL. */
export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { __paystarStops?: Array<() => Promise<void>> }).__paystarStops ?? [];
  for (const stop of stops) await stop();
}
