import { Alert, Anchor, Button, Code, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { useLoad, when } from '../load';

const PAGE = 100;

/** Head: the merchants, found by name, a page at a time. */
export function MerchantsScreen() {
  const [name, setName] = useState('');
  const [offset, setOffset] = useState(0);
  const [searched] = useDebouncedValue(name.trim(), 300);
  const merchants = useLoad(
    () =>
      api.GET('/api/v1/admin/merchants', {
        params: { query: { limit: PAGE, offset, ...(searched ? { name: searched } : {}) } },
      }),
    [searched, offset],
  );
  return (
    <Stack>
      <Title order={2}>Merchants</Title>
      <Group role="search" aria-label="Merchant filters">
        <TextInput
          label="Name contains"
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value);
            setOffset(0);
          }}
        />
      </Group>
      {merchants.error && (
        <Alert color="red" role="alert">
          {merchants.error}
        </Alert>
      )}
      <Table striped aria-label="Merchants">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Id</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(merchants.data?.items ?? []).map((m) => (
            <Table.Tr key={m.id}>
              <Table.Td>
                <Anchor component={Link} to={`/merchants/${m.id}`}>
                  {m.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Code>{m.id}</Code>
              </Table.Td>
              <Table.Td>{when(m.createdAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button variant="default" disabled={offset === 0} onClick={() => setOffset((o) => Math.max(0, o - PAGE))}>
          Previous page
        </Button>
        <Button
          variant="default"
          disabled={merchants.data?.nextOffset == null}
          onClick={() => setOffset(merchants.data?.nextOffset ?? 0)}
        >
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
