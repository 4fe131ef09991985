/**
 * Connectors that must never serve live orders (their `liveAllowed` is false). Routing filters them out by name,
 * since it reads only the database; a test keeps this list equal to the connectors' own flags.
 */
export const SANDBOX_ONLY_CONNECTORS: readonly string[] = ['sandbox', 'scripted-sandbox'];
