/**
 * The test environment of both tiers: what a test file prints (console and the Temporal SDK's logger, see
 * hold-logs.ts) is held per test and shown only when that test or a hook fails, so a green run prints jest's
 * summary and little else, and a red one still shows every log line of what failed.
 */
const { TestEnvironment } = require('jest-environment-node');

class QuietEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__heldLogs = [];
  }

  async handleTestEvent(event) {
    const held = this.global.__heldLogs;
    if (event.name === 'hook_failure' || (event.name === 'test_done' && event.test.errors.length > 0)) {
      const name = event.test ? event.test.name : `${event.hook.type} hook`;
      if (held.length > 0) {
        process.stderr.write(`\n── log of "${name}" (failed) ──\n${held.join('\n')}\n── end of log ──\n`);
      }
      held.length = 0;
    } else if (event.name === 'test_done') {
      held.length = 0;
    }
  }
}

module.exports = QuietEnvironment;
