import { Alert, Anchor, Badge, Code, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import { money, useLoad, when } from '../load';

interface View {
  id: string;
  status: string;
  direction: string;
  amountMinor: number;
  currency: string;
  externalTransactionId: string;
  createdAt: string;
  merchantName: string | null;
  gatewayName: string | null;
  history: Array<{
    seq: number;
    time: string;
    code: string;
    description: string;
    status: string;
    gatewayName: string | null;
    details: Record<string, unknown> | null;
  }>;
}

/** One order: its summary and the code timeline (code, the code in words, the gateway by name, details). */
export function OrderScreen({ operator }: { operator: boolean }) {
  const { id = '' } = useParams();
  const order = useLoad<View>(async () => {
    if (operator) {
      const r = await api.GET('/api/v1/admin/orders/{id}', { params: { path: { id } } });
      return { data: r.data, error: r.error };
    }
    const r = await api.GET('/api/v1/portal/orders/{id}', { params: { path: { id } } });
    return {
      data: r.data && {
        ...r.data,
        merchantName: null,
        gatewayName: null,
        history: r.data.history.map((h) => ({ ...h, details: null })),
      },
      error: r.error,
    };
  }, [operator, id]);
  if (order.error) {
    return (
      <Alert color="red" role="alert">
        {order.error}
      </Alert>
    );
  }
  const o = order.data;
  if (!o) return <Loader aria-label="Loading" />;
  return (
    <Stack>
      <Anchor component={Link} to="/orders">
        ← Orders
      </Anchor>
      <Title order={2}>
        Order <Code>{o.id}</Code>
      </Title>
      <Group>
        <Badge size="lg" color={o.status === 'Success' ? 'green' : o.status === 'Failed' ? 'red' : 'blue'}>
          {o.status}
        </Badge>
        <Text>
          {o.direction} {money(o.amountMinor, o.currency)}
        </Text>
        <Text>Merchant's id: {o.externalTransactionId}</Text>
        {o.merchantName && <Text>Merchant: {o.merchantName}</Text>}
        {o.gatewayName && <Text>Gateway: {o.gatewayName}</Text>}
        <Text c="dimmed">Created {when(o.createdAt)}</Text>
      </Group>
      <Title order={3}>Timeline</Title>
      <Table striped aria-label="Timeline">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Code</Table.Th>
            <Table.Th>What happened</Table.Th>
            <Table.Th>Gateway</Table.Th>
            <Table.Th>Status</Table.Th>
            {operator && <Table.Th>Details</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {o.history.map((h) => (
            <Table.Tr key={h.seq}>
              <Table.Td>{when(h.time)}</Table.Td>
              <Table.Td>
                <Code>{h.code}</Code>
              </Table.Td>
              <Table.Td>{h.description}</Table.Td>
              <Table.Td>{h.gatewayName ?? '—'}</Table.Td>
              <Table.Td>{h.status}</Table.Td>
              {operator && (
                <Table.Td>
                  {h.details && Object.keys(h.details).length > 0 ? (
                    <Code block>{JSON.stringify(h.details, null, 2)}</Code>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
