const Sequencer = require('@jest/test-sequencer').default;

/**
 * The files that take longest start first. Jest orders by the durations in its cache, but a machine without that
 * cache (a fresh CI runner) orders by file size, which would start the property suite, a small file running for
 * minutes, last: the whole run would then wait for it alone. Failed files still come first among the rest.
 */
const FIRST = ['/test/property/order-invariants.test.ts'];

class LongestFirstSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const rank = (test) => {
      const i = FIRST.findIndex((suffix) => test.path.endsWith(suffix));
      return i === -1 ? FIRST.length : i;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirstSequencer;
