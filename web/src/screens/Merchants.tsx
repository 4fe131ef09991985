import { Alert, Anchor, Code, Stack, Table, Title } from '@mantine/core';
import { Link } from 'react-router';
import { api } from '../api/client';
import { useLoad, when } from '../load';

/** Head: the merchants. */
export function MerchantsScreen() {
  const merchants = useLoad(() => api.GET('/api/v1/admin/merchants', { params: { query: { limit: 500 } } }), []);
  return (
    <Stack>
      <Title order={2}>Merchants</Title>
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
    </Stack>
  );
}
