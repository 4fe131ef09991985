import { Alert, Button, Code, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/client';
import { useLoad, when } from '../load';

const NONE = { actor: '', entityType: '', entityId: '' };

/** Head: who changed what, newest first, with filters; 100 a page. */
export function AuditLogScreen() {
  const [filters, setFilters] = useState(NONE);
  const [offset, setOffset] = useState(0);
  const log = useLoad(
    () =>
      api.GET('/api/v1/admin/audit-log', {
        params: {
          query: {
            limit: 100,
            offset,
            ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
          },
        },
      }),
    [filters, offset],
  );
  const set = (field: keyof typeof NONE) => (value: string) => {
    setFilters((f) => ({ ...f, [field]: value }));
    setOffset(0);
  };
  return (
    <Stack>
      <Title order={2}>Audit log</Title>
      <Group align="end" role="search" aria-label="Audit-log filters">
        <TextInput label="Who" value={filters.actor} onChange={(e) => set('actor')(e.currentTarget.value)} />
        <TextInput
          label="What (type)"
          value={filters.entityType}
          onChange={(e) => set('entityType')(e.currentTarget.value)}
        />
        <TextInput
          label="Which (id)"
          value={filters.entityId}
          onChange={(e) => set('entityId')(e.currentTarget.value)}
        />
        <Button variant="default" onClick={() => setFilters(NONE)}>
          Clear Filters
        </Button>
      </Group>
      {log.error && (
        <Alert color="red" role="alert">
          {log.error}
        </Alert>
      )}
      <Table striped aria-label="Audit log">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Did</Table.Th>
            <Table.Th>What</Table.Th>
            <Table.Th>Which</Table.Th>
            <Table.Th>Note</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(log.data?.items ?? []).map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td>{when(a.occurredAt)}</Table.Td>
              <Table.Td>{a.actor}</Table.Td>
              <Table.Td>{a.action}</Table.Td>
              <Table.Td>{a.entityType}</Table.Td>
              <Table.Td>
                <Code>{a.entityId}</Code>
              </Table.Td>
              <Table.Td>{a.note ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button variant="default" disabled={offset === 0} onClick={() => setOffset((o) => Math.max(0, o - 100))}>
          Previous page
        </Button>
        <Button
          variant="default"
          disabled={log.data?.nextOffset == null}
          onClick={() => setOffset(log.data!.nextOffset!)}
        >
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
