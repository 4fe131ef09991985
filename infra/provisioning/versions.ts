/**
 * Pinned versions of the servers the project provisions. Bumping one of them changes the cache folder name,
 * so an old cached copy is never mistaken for the new one.
 */
export const TEMPORAL_CLI_VERSION = '1.9.1';
/** The last tag whose go.mod has no `replace` directive, which `go install pkg@version` refuses. */
export const TEMPORAL_CLI_GO_VERSION = '1.5.1';
/** Temporal's Java test server (Maven Central io.temporal:temporal-test-server), for time-skipping tests. */
export const TEMPORAL_TEST_SERVER_VERSION = '1.38.0';
/** Bumped when what is cached next to the test server changes: its jars (test-server/pom.xml), its launcher. */
export const TEST_SERVER_BUNDLE_REVISION = 3;
/** Stripe's official mock server (github.com/stripe/stripe-mock), built from the Go module proxy for contract tests. */
export const STRIPE_MOCK_VERSION = '0.203.0';
