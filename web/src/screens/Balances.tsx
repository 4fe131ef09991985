import { Alert, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../api/client';
import { money, useLoad } from '../load';

/** MerchHead: available and held money per mode and currency. */
export function BalancesScreen() {
  const balances = useLoad(() => api.GET('/api/v1/portal/balances'), []);
  return (
    <Stack>
      <Title order={2}>Balances</Title>
      {balances.error && (
        <Alert color="red" role="alert">
          {balances.error}
        </Alert>
      )}
      <Table striped aria-label="Balances">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Mode</Table.Th>
            <Table.Th>Currency</Table.Th>
            <Table.Th>Available</Table.Th>
            <Table.Th>Held for payouts in flight</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(balances.data?.items ?? []).map((b) => (
            <Table.Tr key={`${b.mode}-${b.currency}`}>
              <Table.Td>{b.mode}</Table.Td>
              <Table.Td>{b.currency}</Table.Td>
              <Table.Td>{money(b.availableMinor, b.currency)}</Table.Td>
              <Table.Td>{money(b.heldMinor, b.currency)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {balances.data && balances.data.items.length === 0 && <Text c="dimmed">No money moved yet.</Text>}
    </Stack>
  );
}
