import type { HttpGatewaySettings } from './settings';

/** What came back from one HTTP call, reduced to what the outcome mapping needs. */
export type HttpAnswer =
  | { kind: 'response'; status: number; body: string }
  /** No complete answer within the gateway's timeout; the request may have been processed. */
  | { kind: 'timeout' }
  /** A network fault; `sent` false only when the connection was never made, so the PSP cannot have seen it. */
  | { kind: 'network'; sent: boolean };

/** Errors raised while connecting: the request never left, whatever the method. */
export const CONNECT_ERRORS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * One call to the PSP with fetch, bounded by `AbortSignal.timeout` over connection, headers and body alike. Faults
 * become data here so that the connector maps every one of them to a code instead of throwing.
 */
export async function callPsp(
  settings: HttpGatewaySettings,
  request: { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: unknown },
): Promise<HttpAnswer> {
  const url = new URL(request.path, settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`);
  try {
    const res = await fetch(url, {
      method: request.method,
      headers: {
        authorization: `Bearer ${settings.apiKey}`,
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(settings.timeoutMs),
      redirect: 'manual',
    });
    return { kind: 'response', status: res.status, body: await res.text() };
  } catch (err) {
    // Duck-typed: the DOMException may come from another realm (jest's vm contexts), failing `instanceof Error`.
    if ((err as { name?: unknown } | null)?.name === 'TimeoutError') return { kind: 'timeout' };
    return { kind: 'network', sent: !CONNECT_ERRORS.has(causeCode(err) ?? '') };
  }
}

/** undici puts the system error in `cause`, or in `cause.errors` when it tried several addresses. */
function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}
