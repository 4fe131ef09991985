/**
 * Ends a Jest run with one plain line, "jest: N passed, N failed, N skipped". CI reads a run's closing line to learn
 * how many tests it executed; it knows no Jest summary, and the fuzz step before the tests prints lines in pytest's
 * form. The counts are Jest's own aggregate results. Written at exit, so that it follows Jest's summary (added after
 * every configured reporter) and the global teardown.
 */
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    const line = `jest: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`;
    process.once('exit', () => process.stderr.write(line));
  }
}

module.exports = ClosingLineReporter;
