import { useMemo } from 'react';
import { api } from '../api/client';
import { useLoad } from '../load';

const merchantPage = (offset: number) =>
  api.GET('/api/v1/admin/merchants', { params: { query: { limit: 500, offset } } });

/**
 * Merchant names by id: for operators every merchant (the admin list, page by page of 500, at most 20,000), for a
 * merchant user its own.
 */
export function useMerchantNames(operator: boolean, own?: { id: string; name: string } | null): Map<string, string> {
  const merchants = useLoad(async () => {
    if (!operator) return { data: undefined };
    const items: Array<{ id: string; name: string }> = [];
    for (let offset: number | null = 0; offset !== null && offset < 20_000;) {
      const { data, error }: Awaited<ReturnType<typeof merchantPage>> = await merchantPage(offset);
      if (!data) return { data: undefined, error };
      items.push(...data.items);
      offset = data.nextOffset;
    }
    return { data: items };
  }, [operator]);
  return useMemo(() => {
    const names = new Map((merchants.data ?? []).map((m) => [m.id, m.name]));
    if (own) names.set(own.id, own.name);
    return names;
  }, [merchants.data, own]);
}
