import { isIP } from 'node:net';
import { Agent, fetch, type Response } from 'undici';
import { classifyTransportError, type TransportFailure } from './classify';

/** What one POST came to: an HTTP status, or a failure before any response. */
export type TransportOutcome = { ok: true; httpStatus: number } | ({ ok: false } & TransportFailure);

/** Options of one POST. */
export interface PostOptions {
  timeoutMs: number;
  /** Aborts the request without an outcome (the activity was cancelled); the abort reason is thrown. */
  cancellation?: AbortSignal;
  /**
   * The addresses to connect to, already resolved and checked (resolveDestination): the URL's host name is not
   * looked up again. The Host header and the TLS server name (SNI, certificate check) stay the URL's host.
   */
  addresses: string[];
}

/** A connection pool whose connections go only to `addresses`, whatever host name it is asked for. */
function pinnedAgent(addresses: string[]): Agent {
  const answers = addresses.map((address) => ({ address, family: isIP(address) }));
  return new Agent({
    connect: {
      // net.connect asks with `all: true` when it races address families (trying each in turn), else for one.
      lookup: (_host, options, callback) => {
        if ((options as { all?: boolean }).all) callback(null, answers);
        else callback(null, answers[0]!.address, answers[0]!.family);
      },
    },
  });
}

/** How much of a response body is read: enough to let the connection be reused, never stored. */
const RESPONSE_BODY_LIMIT = 4096;

/**
 * POSTs once, following no redirect, within one timeout for the whole exchange (connect, request, headers and the
 * bit of body that is read). Throws only when `cancellation` fires.
 */
export async function postOnce(
  url: URL,
  body: string,
  headers: Record<string, string>,
  { timeoutMs, cancellation, addresses }: PostOptions,
): Promise<TransportOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = cancellation ? AbortSignal.any([timeout, cancellation]) : timeout;
  const dispatcher = pinnedAgent(addresses);
  try {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal, dispatcher });
    } catch (err) {
      if (cancellation?.aborted) throw cancellation.reason ?? err;
      if (timeout.aborted) return { ok: false, reason: 'timeout', error: `no response within ${timeoutMs} ms` };
      return { ok: false, ...classifyTransportError(err) };
    }
    // The status is the merchant's answer; a body that stalls or breaks afterwards does not change it.
    await discardBody(res);
    if (cancellation?.aborted) throw cancellation.reason;
    return { ok: true, httpStatus: res.status };
  } finally {
    // One pool per attempt: nothing pinned outlives the check it was made for.
    void dispatcher.destroy().catch(() => undefined);
  }
}

async function discardBody(res: Response): Promise<void> {
  const reader = res.body?.getReader();
  if (!reader) return;
  try {
    for (let read = 0; read < RESPONSE_BODY_LIMIT;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      read += chunk.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // A broken or timed-out body after the status line is not part of the outcome.
  }
}
