import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useLoad } from '../load';

const SHOWN = 20;

/**
 * Picks one merchant by name, for operators: the server searches (`GET /api/v1/admin/merchants?name=`) as the person
 * types, so every merchant can be found however many there are, and no list of thousands is loaded up front.
 */
export function MerchantSelect(props: {
  value: string;
  onChange: (merchantId: string) => void;
  label?: string;
  placeholder?: string;
  required?: boolean;
  clearable?: boolean;
  w?: number;
}) {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  // The typed text equals the chosen merchant's name once picked: searching for it again would only narrow the list.
  const term = chosen && search === chosen.label ? '' : search.trim();
  const [debounced] = useDebouncedValue(term, 200);
  const found = useLoad(async () => {
    const { data, error } = await api.GET('/api/v1/admin/merchants', {
      params: { query: { limit: SHOWN, ...(debounced ? { name: debounced } : {}) } },
    });
    return { data: data && { term: debounced, items: data.items }, error };
  }, [debounced]);
  // Only the answer to what is typed now is offered: a stale list could let Enter pick the wrong merchant.
  const fresh = found.data?.term === term ? found.data.items : undefined;
  useEffect(() => {
    if (!props.value) setChosen(null);
  }, [props.value]);

  const options = (fresh ?? []).map((m) => ({ value: m.id, label: m.name }));
  if (chosen && !options.some((o) => o.value === chosen.value)) options.unshift(chosen);
  return (
    <Select
      label={props.label ?? 'Merchant'}
      placeholder={props.placeholder}
      required={props.required}
      clearable={props.clearable}
      w={props.w}
      searchable
      data={options}
      // The server has filtered already; the list shows what it found.
      filter={({ options: all }) => all}
      searchValue={search}
      onSearchChange={setSearch}
      value={props.value || null}
      onChange={(id, option) => {
        setChosen(id && option ? { value: id, label: option.label } : null);
        props.onChange(id ?? '');
      }}
      nothingFoundMessage={found.error ?? (fresh ? 'No merchant by that name' : 'Searching…')}
    />
  );
}
