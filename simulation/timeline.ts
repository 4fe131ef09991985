import { getHistoryCode } from '../domain/history-codes';
import type { OrderHistoryEntry } from '../workflows/definitions';

/** `+1d 02:30:00` for ms after t+0 (or a span); milliseconds only when there are some. */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  let rest = Math.abs(Math.round(ms));
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${sign}${days}d ${pad(hours)}:${pad(minutes)}:${pad(seconds)}${millis ? `.${pad(millis, 3)}` : ''}`;
}

/** The catalog's description of a code; a code the catalog lacks is shown as such rather than hidden. */
export function describeCode(code: string): string {
  try {
    return getHistoryCode(code).description;
  } catch {
    return '(not in the history code catalog)';
  }
}

/** One timeline line per history entry: simulated time, code, description, gateway and details. */
export function timelineLines(
  history: OrderHistoryEntry[],
  epochMs: number,
  gatewayName: (id: string) => string | undefined,
): string[] {
  return history.map((h) => {
    const extras: string[] = [];
    if (h.gatewayId) extras.push(`gateway ${gatewayName(h.gatewayId) ?? h.gatewayId}`);
    for (const [k, v] of Object.entries(h.details ?? {})) extras.push(`${k}=${String(v)}`);
    const tail = extras.length ? `  (${extras.join(', ')})` : '';
    return `${formatOffset(Date.parse(h.at) - epochMs).padEnd(17)} ${h.code}  ${describeCode(h.code)}${tail}`;
  });
}
