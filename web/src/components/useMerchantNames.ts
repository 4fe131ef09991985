import { useMemo } from 'react';
import { api } from '../api/client';
import { useLoad } from '../load';

/** As many ids as one request of the admin merchant list takes. */
const PER_REQUEST = 100;

/**
 * The names of the merchants a screen shows, by id: for operators asked of the server for exactly those ids (a
 * hundred at a time), for a merchant user its own. Pickers search the server instead (MerchantSelect), so no screen
 * loads every merchant.
 */
export function useMerchantNames(
  operator: boolean,
  ids: Iterable<string | null | undefined>,
  own?: { id: string; name: string } | null,
): Map<string, string> {
  const wanted = [...new Set([...ids].filter((id): id is string => !!id && id !== own?.id))].sort();
  const key = wanted.join(',');
  const merchants = useLoad(async () => {
    if (!operator || !key) return { data: [] };
    const items: Array<{ id: string; name: string }> = [];
    for (let i = 0; i < wanted.length; i += PER_REQUEST) {
      const chunk = wanted.slice(i, i + PER_REQUEST);
      const { data, error } = await api.GET('/api/v1/admin/merchants', {
        params: { query: { ids: chunk.join(','), limit: PER_REQUEST } },
      });
      if (!data) return { data: undefined, error };
      items.push(...data.items);
    }
    return { data: items };
  }, [operator, key]);
  return useMemo(() => {
    const names = new Map((merchants.data ?? []).map((m) => [m.id, m.name]));
    if (own) names.set(own.id, own.name);
    return names;
  }, [merchants.data, own]);
}

/** The merchant ids in report rows (their `merchantId` column), for {@link useMerchantNames}. */
export const merchantIdsOf = (...lists: Array<ReadonlyArray<object> | undefined>): string[] =>
  lists
    .flatMap((rows) => (rows ?? []).map((row) => (row as { merchantId?: unknown }).merchantId))
    .filter((id): id is string => typeof id === 'string');
