import { classifyTransportError, type TransportFailure } from './classify';

/** What one POST came to: an HTTP status, or a failure before any response. */
export type TransportOutcome = { ok: true; httpStatus: number } | ({ ok: false } & TransportFailure);

/** Options of one POST. */
export interface PostOptions {
  timeoutMs: number;
  /** Aborts the request without an outcome (the activity was cancelled); the abort reason is thrown. */
  cancellation?: AbortSignal;
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
  { timeoutMs, cancellation }: PostOptions,
): Promise<TransportOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = cancellation ? AbortSignal.any([timeout, cancellation]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal });
  } catch (err) {
    if (cancellation?.aborted) throw cancellation.reason ?? err;
    if (timeout.aborted) return { ok: false, reason: 'timeout', error: `no response within ${timeoutMs} ms` };
    return { ok: false, ...classifyTransportError(err) };
  }
  // The status is the merchant's answer; a body that stalls or breaks afterwards does not change it.
  await discardBody(res);
  if (cancellation?.aborted) throw cancellation.reason;
  return { ok: true, httpStatus: res.status };
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
