/**
 * Runs every clean-up step even when an earlier one fails, so one broken step cannot leave servers running;
 * rethrows the first failure afterwards.
 */
export async function cleanUp(steps: Array<() => Promise<unknown>>): Promise<void> {
  let firstError: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      firstError ??= err;
    }
  }
  if (firstError !== undefined) throw firstError;
}

/** Clean-up steps in the order things were started; `stopAll` runs them last first, once. */
export type StopSteps = Array<() => Promise<unknown>>;

/**
 * Assembles something made of several started parts: `assemble` pushes a stop step for each part it starts. If it
 * fails half-way, the parts started so far are stopped before the error is rethrown; otherwise what it returns
 * may call `stopAll` later (it stops everything once, however often it is called).
 */
export async function assembleOrCleanUp<T>(
  assemble: (stops: StopSteps, stopAll: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const stops: StopSteps = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () => (stopping ??= cleanUp([...stops].reverse()));
  try {
    return await assemble(stops, stopAll);
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}
