import { useCallback, useEffect, useState } from 'react';
import { messageOf } from './api/client';

/** Runs a typed request when its inputs change; `reload` runs it again (after a change). */
export function useLoad<T>(
  request: () => Promise<{ data?: T; error?: unknown }>,
  deps: readonly unknown[],
): { data: T | undefined; error: string | null; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const run = useCallback(request, deps);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    run().then(
      (r) => live && setState({ data: r.data, error: r.error ? messageOf(r.error) : null, loading: false }),
      (err: unknown) => live && setState({ data: undefined, error: String(err), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [run, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** A datetime-local input's value as the API's ISO 8601 with a zone (undefined when empty). */
export const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** Minor units as an amount with its currency, e.g. 1050 USD → "10.50 USD" (the currency's own minor digits). */
export function money(minor: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // not an ISO currency: two digits
  }
  return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
}
export const when = (iso: string) => new Date(iso).toLocaleString();
