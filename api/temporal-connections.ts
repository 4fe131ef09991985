import { Client, Connection } from '@temporalio/client';
import type { Keyring } from '../infra/security/keyring';
import { encryptedDataConverter } from '../infra/temporal/payload-codec';

/** The API's links to Temporal: a client for real work, and a separate channel for health probes. */
export interface TemporalLinks {
  client: Client;
  /** No retry interceptor: a probe must report the state now, and must not retry after it gave up. */
  probe: Connection;
  close(): Promise<void>;
}

/**
 * Lazy connections: the API starts (and /health reports 503) while Temporal is unreachable, and connects once it
 * is back. The client encrypts every payload under the keyring (infra/temporal/payload-codec.ts).
 */
export function connectTemporal(address: string, namespace: string, keyring: Keyring): TemporalLinks {
  const connection = Connection.lazy({ address });
  const probe = Connection.lazy({ address, interceptors: [], connectTimeout: 2_000 });
  return {
    client: new Client({ connection, namespace, dataConverter: encryptedDataConverter(keyring) }),
    probe,
    async close() {
      await Promise.allSettled([connection.close(), probe.close()]);
    },
  };
}
