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
