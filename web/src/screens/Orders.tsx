import { Alert, Anchor, Button, Group, Select, Stack, Table, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { BackgroundExport, type OrderExportFilters } from '../components/BackgroundExport';
import { MerchantSelect } from '../components/MerchantSelect';
import { isoOf, money, useLoad, when } from '../load';
import { useSession } from '../session';

type Status = 'Created' | 'Processing' | 'Success' | 'Failed';
const EMPTY = {
  status: '',
  direction: '',
  merchantId: '',
  currency: '',
  createdFrom: '',
  createdTo: '',
  id: '',
  externalTransactionId: '',
  gatewayId: '',
  amountFrom: '',
  amountTo: '',
  historyCode: '',
};
type Filters = typeof EMPTY;

/** The query both order lists take: only the filters that are set. */
function queryOf(f: Filters, cursor: string | undefined) {
  return {
    ...(f.status ? { status: f.status as Status } : {}),
    ...(f.direction ? { direction: f.direction as 'deposit' | 'payout' } : {}),
    ...(f.currency ? { currency: f.currency.trim().toUpperCase() } : {}),
    ...(f.createdFrom ? { createdFrom: isoOf(f.createdFrom) } : {}),
    ...(f.createdTo ? { createdTo: isoOf(f.createdTo) } : {}),
    ...(f.id ? { id: f.id.trim() } : {}),
    ...(f.externalTransactionId ? { externalTransactionId: f.externalTransactionId.trim() } : {}),
    ...(cursor ? { cursor } : {}),
    limit: 50,
  };
}

/** The list's filters as a background export's (docs/reports.md): the same orders, oldest first in the file. */
function exportFiltersOf(f: Filters, operator: boolean): OrderExportFilters {
  const { limit: _, cursor: __, ...list } = queryOf(f, undefined);
  return { ...list, ...(operator ? operatorQueryOf(f) : {}) };
}

/** The filters only the operators' list has (gateways and history codes are the engine's, not the merchant's). */
function operatorQueryOf(f: Filters) {
  return {
    ...(f.merchantId ? { merchantId: f.merchantId } : {}),
    ...(f.gatewayId ? { gatewayId: f.gatewayId } : {}),
    ...(f.amountFrom.trim() ? { amountFrom: Number(f.amountFrom.trim()) } : {}),
    ...(f.amountTo.trim() ? { amountTo: Number(f.amountTo.trim()) } : {}),
    ...(f.historyCode.trim() ? { historyCode: f.historyCode.trim() } : {}),
  };
}

/** Orders newest first with filters and keyset paging: Head across merchants, MerchHead its own. */
export function OrdersScreen({ operator }: { operator: boolean }) {
  const { can } = useSession();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  // The cursors of the pages before this one: Previous pops one.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors.at(-1);
  const gateways = useLoad(
    async () => (operator ? api.GET('/api/v1/admin/gateways') : { data: undefined }),
    [operator],
  );
  const page = useLoad(async () => {
    const query = queryOf(applied, cursor);
    if (operator) {
      const r = await api.GET('/api/v1/admin/orders', {
        params: { query: { ...query, ...operatorQueryOf(applied) } },
      });
      return { data: r.data, error: r.error };
    }
    const r = await api.GET('/api/v1/portal/orders', { params: { query } });
    return {
      data: r.data && { ...r.data, items: r.data.items.map((o) => ({ ...o, merchantName: '' })) },
      error: r.error,
    };
  }, [operator, applied, cursor]);

  const set = (field: keyof Filters) => (value: string | null) => setDraft((d) => ({ ...d, [field]: value ?? '' }));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied(draft);
    setCursors([undefined]);
  };
  const clear = () => {
    setDraft(EMPTY);
    setApplied(EMPTY);
    setCursors([undefined]);
  };

  return (
    <Stack>
      <Title order={2}>Orders</Title>
      <form onSubmit={apply} aria-label="Order filters">
        <Group align="end" wrap="wrap">
          <Select
            label="Status"
            data={['Created', 'Processing', 'Success', 'Failed']}
            value={draft.status || null}
            onChange={set('status')}
            clearable
            w={140}
          />
          <Select
            label="Direction"
            data={['deposit', 'payout']}
            value={draft.direction || null}
            onChange={set('direction')}
            clearable
            w={130}
          />
          {operator && <MerchantSelect value={draft.merchantId} onChange={set('merchantId')} clearable w={220} />}
          {operator && (
            <>
              <Select
                label="Gateway"
                data={(gateways.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))}
                value={draft.gatewayId || null}
                onChange={set('gatewayId')}
                searchable
                clearable
                w={220}
              />
              <TextInput
                label="Amount from (minor units)"
                inputMode="numeric"
                value={draft.amountFrom}
                onChange={(e) => set('amountFrom')(e.currentTarget.value)}
                w={190}
              />
              <TextInput
                label="Amount to (minor units)"
                inputMode="numeric"
                value={draft.amountTo}
                onChange={(e) => set('amountTo')(e.currentTarget.value)}
                w={190}
              />
              <TextInput
                label="History code"
                placeholder="1.2.4.42"
                value={draft.historyCode}
                onChange={(e) => set('historyCode')(e.currentTarget.value)}
                w={130}
              />
            </>
          )}
          <TextInput
            label="Currency"
            value={draft.currency}
            onChange={(e) => set('currency')(e.currentTarget.value)}
            w={100}
          />
          <TextInput
            label="Created from"
            type="datetime-local"
            value={draft.createdFrom}
            onChange={(e) => set('createdFrom')(e.currentTarget.value)}
          />
          <TextInput
            label="Created before"
            type="datetime-local"
            value={draft.createdTo}
            onChange={(e) => set('createdTo')(e.currentTarget.value)}
          />
          <TextInput label="Our id" value={draft.id} onChange={(e) => set('id')(e.currentTarget.value)} w={300} />
          <TextInput
            label="Merchant's id"
            value={draft.externalTransactionId}
            onChange={(e) => set('externalTransactionId')(e.currentTarget.value)}
          />
          <Button type="submit">Apply</Button>
          <Button variant="default" onClick={clear}>
            Clear Filters
          </Button>
        </Group>
      </form>
      {can('reports:exports:read') && <BackgroundExport filters={exportFiltersOf(applied, operator)} />}
      {page.error && (
        <Alert color="red" role="alert">
          {page.error}
        </Alert>
      )}
      <Table striped highlightOnHover aria-label="Orders">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Created</Table.Th>
            <Table.Th>Our id</Table.Th>
            <Table.Th>Merchant's id</Table.Th>
            {operator && <Table.Th>Merchant</Table.Th>}
            <Table.Th>Direction</Table.Th>
            <Table.Th>Amount</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(page.data?.items ?? []).map((o) => (
            <Table.Tr key={o.id}>
              <Table.Td>{when(o.createdAt)}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/orders/${o.id}`} ff="monospace" size="sm">
                  {o.id}
                </Anchor>
              </Table.Td>
              <Table.Td>{o.externalTransactionId}</Table.Td>
              {operator && <Table.Td>{o.merchantName}</Table.Td>}
              <Table.Td>{o.direction}</Table.Td>
              <Table.Td>{money(o.amountMinor, o.currency)}</Table.Td>
              <Table.Td>{o.status}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {page.data && page.data.items.length === 0 && <Alert>No orders match.</Alert>}
      <Group>
        <Button variant="default" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous page
        </Button>
        <Button
          variant="default"
          disabled={!page.data?.nextCursor}
          onClick={() => setCursors((c) => [...c, page.data!.nextCursor!])}
        >
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
