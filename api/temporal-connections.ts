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
 * gRPC waits longer and longer between reconnection attempts while a server is down (up to 2 minutes by default):
 * after an outage of half a minute the API went on answering 503/423 for many seconds after Temporal was back.
 * Capped at 1 s, it is back within about a second. (Channels with equal arguments share their connections, so
 * both links follow the same schedule.)
 */
export const RECONNECT_CHANNEL_ARGS = {
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 1_000,
};

/**
 * Lazy connections: the API starts (and /health reports 503) while Temporal is unreachable, and connects once it
 * is back. The client encrypts every payload under the keyring (infra/temporal/payload-codec.ts).
 */
export function connectTemporal(address: string, namespace: string, keyring: Keyring): TemporalLinks {
  const connection = Connection.lazy({ address, channelArgs: RECONNECT_CHANNEL_ARGS });
  const probe = Connection.lazy({
    address,
    interceptors: [],
    connectTimeout: 2_000,
    channelArgs: RECONNECT_CHANNEL_ARGS,
  });
  return {
    client: new Client({ connection, namespace, dataConverter: encryptedDataConverter(keyring) }),
    probe,
    async close() {
      await Promise.allSettled([connection.close(), probe.close()]);
    },
  };
}
